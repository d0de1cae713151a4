package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// setMetadata serves DOMAIN_SET_METADATA. A NULL string arrives as "":
// for the driver both mean none (no namespace; remove the value).
func (s *Server) setMetadata(ctx context.Context, c *conn, args *libvirt.DomainSetMetadataArgs) error {
	ed, ok := s.drv().(driverapi.MetadataEditor)
	if !ok {
		return noSupport("virDomainSetMetadata")
	}
	return ed.SetMetadata(ctx, args.Dom.UUID, driverapi.MetadataType(args.Type),
		optString(args.Metadata), optString(args.Key), optString(args.Uri), uint32(args.Flags))
}

// getMetadata serves DOMAIN_GET_METADATA.
func (s *Server) getMetadata(ctx context.Context, c *conn, args *libvirt.DomainGetMetadataArgs) (*libvirt.DomainGetMetadataRet, error) {
	ed, ok := s.drv().(driverapi.MetadataEditor)
	if !ok {
		return nil, noSupport("virDomainGetMetadata")
	}
	text, err := ed.Metadata(ctx, args.Dom.UUID, driverapi.MetadataType(args.Type), optString(args.Uri), uint32(args.Flags))
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetMetadataRet{Metadata: text}, nil
}

// metadataChangeMsg is the metadata-change event of callback cb; a title
// or description change has no namespace (NULL).
func metadataChangeMsg(cb int32, ev driverapi.Event) any {
	var nsuri libvirt.OptString
	if ev.NSURI != "" {
		nsuri = libvirt.OptString{ev.NSURI}
	}
	return &libvirt.DomainEventCallbackMetadataChangeMsg{CallbackID: cb, Dom: wireDomain(ev.Domain), Type: ev.Type, Nsuri: nsuri}
}

func optString(s libvirt.OptString) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

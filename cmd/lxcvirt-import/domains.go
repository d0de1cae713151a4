package main

import (
	"context"
	"errors"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/client"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// domains is lxcimport.Domains over a libvirt connection.
type domains struct{ c *client.Conn }

func (d domains) Definitions(ctx context.Context) (map[string]string, error) {
	var all libvirt.ConnectListAllDomainsRet
	if err := d.c.Call(ctx, proto.ProcConnectListAllDomains, &libvirt.ConnectListAllDomainsArgs{NeedResults: 1}, &all); err != nil {
		return nil, err
	}
	defs := make(map[string]string, len(all.Domains))
	for _, dom := range all.Domains {
		var x libvirt.DomainGetXMLDescRet
		err := d.c.Call(ctx, proto.ProcDomainGetXMLDesc, &libvirt.DomainGetXMLDescArgs{Dom: dom, Flags: libvirt.DomainXMLInactive}, &x)
		if errors.Is(err, &virterror.Error{Code: libvirt.ErrNoDomain}) {
			continue // undefined since the listing
		}
		if err != nil {
			return nil, err
		}
		defs[dom.Name] = x.XML
	}
	return defs, nil
}

func (d domains) Define(ctx context.Context, xml string) error {
	return d.c.Call(ctx, proto.ProcDomainDefineXML, &libvirt.DomainDefineXMLArgs{XML: xml}, &libvirt.DomainDefineXMLRet{})
}

func (d domains) Start(ctx context.Context, name string) error {
	var dom libvirt.DomainLookupByNameRet
	if err := d.c.Call(ctx, proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: name}, &dom); err != nil {
		return err
	}
	return d.c.Call(ctx, proto.ProcDomainCreate, &libvirt.DomainCreateArgs{Dom: dom.Dom}, nil)
}

package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// Device hotplug procedures, served by a driver with
// driverapi.DeviceEditor. The calls without flags are the flags calls with
// VIR_DOMAIN_AFFECT_LIVE, as libvirt's drivers implement them.

func (s *Server) deviceEditor(api string) (driverapi.DeviceEditor, error) {
	ed, ok := s.drv().(driverapi.DeviceEditor)
	if !ok {
		return nil, noSupport(api)
	}
	return ed, nil
}

func (s *Server) attachDevice(ctx context.Context, c *conn, args *libvirt.DomainAttachDeviceArgs) error {
	return s.attachDeviceFlags(ctx, c, &libvirt.DomainAttachDeviceFlagsArgs{Dom: args.Dom, XML: args.XML, Flags: driverapi.AffectLive})
}

func (s *Server) attachDeviceFlags(ctx context.Context, c *conn, args *libvirt.DomainAttachDeviceFlagsArgs) error {
	ed, err := s.deviceEditor("virDomainAttachDeviceFlags")
	if err != nil {
		return err
	}
	return ed.AttachDevice(ctx, args.Dom.UUID, args.XML, args.Flags)
}

func (s *Server) detachDevice(ctx context.Context, c *conn, args *libvirt.DomainDetachDeviceArgs) error {
	return s.detachDeviceFlags(ctx, c, &libvirt.DomainDetachDeviceFlagsArgs{Dom: args.Dom, XML: args.XML, Flags: driverapi.AffectLive})
}

func (s *Server) detachDeviceFlags(ctx context.Context, c *conn, args *libvirt.DomainDetachDeviceFlagsArgs) error {
	ed, err := s.deviceEditor("virDomainDetachDeviceFlags")
	if err != nil {
		return err
	}
	return ed.DetachDevice(ctx, args.Dom.UUID, args.XML, args.Flags)
}

func (s *Server) updateDeviceFlags(ctx context.Context, c *conn, args *libvirt.DomainUpdateDeviceFlagsArgs) error {
	ed, err := s.deviceEditor("virDomainUpdateDeviceFlags")
	if err != nil {
		return err
	}
	return ed.UpdateDevice(ctx, args.Dom.UUID, args.XML, uint32(args.Flags))
}

func (s *Server) detachDeviceAlias(ctx context.Context, c *conn, args *libvirt.DomainDetachDeviceAliasArgs) error {
	ed, err := s.deviceEditor("virDomainDetachDeviceAlias")
	if err != nil {
		return err
	}
	return ed.DetachDeviceAlias(ctx, args.Dom.UUID, args.Alias, args.Flags)
}

// deviceAddedMsg is the device-added event of callback cb (callback
// registrations only, as in libvirt).
func deviceAddedMsg(cb int32, ev driverapi.Event) any {
	return &libvirt.DomainEventCallbackDeviceAddedMsg{CallbackID: cb, Dom: wireDomain(ev.Domain), DevAlias: ev.Alias}
}

func deviceRemovedMsg(ev driverapi.Event) libvirt.DomainEventDeviceRemovedMsg {
	return libvirt.DomainEventDeviceRemovedMsg{Dom: wireDomain(ev.Domain), DevAlias: ev.Alias}
}

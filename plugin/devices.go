package plugin

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Devices across the boundary: driverapi.DeviceEditor as the AttachDevice,
// DetachDevice, UpdateDevice and DetachDeviceAlias rpcs. A device change
// changes no status, so the supervisor's status cache is left alone.

var (
	_ driverapi.DeviceEditor = (*Client)(nil)
	_ driverapi.DeviceEditor = (*Supervisor)(nil)
)

func (c *Client) AttachDevice(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) error {
	_, err := invoke(ctx, c, "AttachDevice", c.rpc.AttachDevice, &pb.DeviceRequest{Uuid: uuid[:], Xml: xml, Flags: flags}, replyNone)
	return err
}

func (c *Client) DetachDevice(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) error {
	_, err := invoke(ctx, c, "DetachDevice", c.rpc.DetachDevice, &pb.DeviceRequest{Uuid: uuid[:], Xml: xml, Flags: flags}, replyNone)
	return err
}

func (c *Client) UpdateDevice(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) error {
	_, err := invoke(ctx, c, "UpdateDevice", c.rpc.UpdateDevice, &pb.DeviceRequest{Uuid: uuid[:], Xml: xml, Flags: flags}, replyNone)
	return err
}

func (c *Client) DetachDeviceAlias(ctx context.Context, uuid driverapi.UUID, alias string, flags uint32) error {
	_, err := invoke(ctx, c, "DetachDeviceAlias", c.rpc.DetachDeviceAlias, &pb.DeviceAliasRequest{Uuid: uuid[:], Alias: alias, Flags: flags}, replyNone)
	return err
}

// devices is impl as a driverapi.DeviceEditor, or the error a driver
// without device hotplug answers.
func (s *Server) devices(method string) (driverapi.DeviceEditor, error) {
	if m, ok := s.impl.(driverapi.DeviceEditor); ok {
		return m, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "virDomain%s", method))
}

// deviceCall runs fn with the driver's DeviceEditor for the domain raw
// names.
func (s *Server) deviceCall(method string, raw []byte, fn func(driverapi.DeviceEditor, driverapi.UUID) error) (*pb.Empty, error) {
	m, err := s.devices(method)
	if err != nil {
		return nil, err
	}
	return unit(method, raw, func(u driverapi.UUID) error { return fn(m, u) })
}

func (s *Server) AttachDevice(ctx context.Context, r *pb.DeviceRequest) (*pb.Empty, error) {
	return s.deviceCall("AttachDeviceFlags", r.GetUuid(), func(m driverapi.DeviceEditor, u driverapi.UUID) error {
		return m.AttachDevice(ctx, u, r.GetXml(), r.GetFlags())
	})
}

func (s *Server) DetachDevice(ctx context.Context, r *pb.DeviceRequest) (*pb.Empty, error) {
	return s.deviceCall("DetachDeviceFlags", r.GetUuid(), func(m driverapi.DeviceEditor, u driverapi.UUID) error {
		return m.DetachDevice(ctx, u, r.GetXml(), r.GetFlags())
	})
}

func (s *Server) UpdateDevice(ctx context.Context, r *pb.DeviceRequest) (*pb.Empty, error) {
	return s.deviceCall("UpdateDeviceFlags", r.GetUuid(), func(m driverapi.DeviceEditor, u driverapi.UUID) error {
		return m.UpdateDevice(ctx, u, r.GetXml(), r.GetFlags())
	})
}

func (s *Server) DetachDeviceAlias(ctx context.Context, r *pb.DeviceAliasRequest) (*pb.Empty, error) {
	return s.deviceCall("DetachDeviceAlias", r.GetUuid(), func(m driverapi.DeviceEditor, u driverapi.UUID) error {
		return m.DetachDeviceAlias(ctx, u, r.GetAlias(), r.GetFlags())
	})
}

// supervised runs fn on the current plugin's driver.
func (s *Supervisor) supervised(ctx context.Context, method string, fn func(driverapi.DeviceEditor) error) error {
	inst, err := s.current(ctx, method)
	if err != nil {
		return err
	}
	return fn(inst.drv)
}

func (s *Supervisor) AttachDevice(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) error {
	return s.supervised(ctx, "AttachDevice", func(d driverapi.DeviceEditor) error { return d.AttachDevice(ctx, uuid, xml, flags) })
}

func (s *Supervisor) DetachDevice(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) error {
	return s.supervised(ctx, "DetachDevice", func(d driverapi.DeviceEditor) error { return d.DetachDevice(ctx, uuid, xml, flags) })
}

func (s *Supervisor) UpdateDevice(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) error {
	return s.supervised(ctx, "UpdateDevice", func(d driverapi.DeviceEditor) error { return d.UpdateDevice(ctx, uuid, xml, flags) })
}

func (s *Supervisor) DetachDeviceAlias(ctx context.Context, uuid driverapi.UUID, alias string, flags uint32) error {
	return s.supervised(ctx, "DetachDeviceAlias", func(d driverapi.DeviceEditor) error {
		return d.DetachDeviceAlias(ctx, uuid, alias, flags)
	})
}

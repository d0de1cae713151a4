package plugin

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Native configs across the boundary: driverapi.NativeConverter as two
// rpcs. They touch no domain, so the supervisor's status cache is left
// alone.

var (
	_ driverapi.NativeConverter = (*Client)(nil)
	_ driverapi.NativeConverter = (*Supervisor)(nil)
)

func (c *Client) DomainXMLFromNative(ctx context.Context, format, config string, flags uint32) (string, error) {
	return invoke(ctx, c, "DomainXMLFromNative", c.rpc.DomainXMLFromNative, &pb.NativeRequest{Format: format, Text: config, Flags: flags}, replyXML)
}

func (c *Client) DomainXMLToNative(ctx context.Context, format, xml string, flags uint32) (string, error) {
	return invoke(ctx, c, "DomainXMLToNative", c.rpc.DomainXMLToNative, &pb.NativeRequest{Format: format, Text: xml, Flags: flags}, replyXML)
}

// converter is impl as a driverapi.NativeConverter, or the error a driver
// without one answers.
func (s *Server) converter(method string) (driverapi.NativeConverter, error) {
	if n, ok := s.impl.(driverapi.NativeConverter); ok {
		return n, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "virConnect%s", method))
}

func (s *Server) DomainXMLFromNative(ctx context.Context, r *pb.NativeRequest) (*pb.XMLReply, error) {
	const method = "DomainXMLFromNative"
	n, err := s.converter(method)
	if err != nil {
		return nil, err
	}
	text, err := n.DomainXMLFromNative(ctx, r.GetFormat(), r.GetText(), r.GetFlags())
	return reply(method, text, err, xmlReply)
}

func (s *Server) DomainXMLToNative(ctx context.Context, r *pb.NativeRequest) (*pb.XMLReply, error) {
	const method = "DomainXMLToNative"
	n, err := s.converter(method)
	if err != nil {
		return nil, err
	}
	text, err := n.DomainXMLToNative(ctx, r.GetFormat(), r.GetText(), r.GetFlags())
	return reply(method, text, err, xmlReply)
}

func (s *Supervisor) DomainXMLFromNative(ctx context.Context, format, config string, flags uint32) (string, error) {
	return hostCall(s, ctx, "DomainXMLFromNative", func(c *Client) (string, error) { return c.DomainXMLFromNative(ctx, format, config, flags) })
}

func (s *Supervisor) DomainXMLToNative(ctx context.Context, format, xml string, flags uint32) (string, error) {
	return hostCall(s, ctx, "DomainXMLToNative", func(c *Client) (string, error) { return c.DomainXMLToNative(ctx, format, xml, flags) })
}

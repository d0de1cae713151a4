package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// domainXMLFromNative serves CONNECT_DOMAIN_XML_FROM_NATIVE (`virsh
// domxml-from-native lxc-tools FILE`).
func (s *Server) domainXMLFromNative(ctx context.Context, c *conn, args *libvirt.ConnectDomainXMLFromNativeArgs) (*libvirt.ConnectDomainXMLFromNativeRet, error) {
	n, ok := s.drv().(driverapi.NativeConverter)
	if !ok {
		return nil, noSupport("virConnectDomainXMLFromNative")
	}
	xml, err := n.DomainXMLFromNative(ctx, args.NativeFormat, args.NativeConfig, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectDomainXMLFromNativeRet{DomainXML: xml}, nil
}

// domainXMLToNative serves CONNECT_DOMAIN_XML_TO_NATIVE (`virsh
// domxml-to-native lxc-tools FILE`).
func (s *Server) domainXMLToNative(ctx context.Context, c *conn, args *libvirt.ConnectDomainXMLToNativeArgs) (*libvirt.ConnectDomainXMLToNativeRet, error) {
	n, ok := s.drv().(driverapi.NativeConverter)
	if !ok {
		return nil, noSupport("virConnectDomainXMLToNative")
	}
	config, err := n.DomainXMLToNative(ctx, args.NativeFormat, args.DomainXML, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectDomainXMLToNativeRet{NativeConfig: config}, nil
}

package driver

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

var _ driverapi.NativeConverter = (*LXC)(nil)

// checkNativeFormat refuses a format other than LXC's config, with
// libvirt-lxc's error.
func checkNativeFormat(format string) error {
	if format != driverapi.NativeFormatLXC {
		return virterror.New(libvirt.ErrInvalidArg, "unsupported config type %s", format)
	}
	return nil
}

// DomainXMLFromNative converts an LXC container config to domain XML, as
// libvirt-lxc's lxcConnectDomainXMLFromNative does (lxc_native.c): the
// domain gets a new UUID; what the config cannot express in libvirt terms
// is refused, naming the key.
func (l *LXC) DomainXMLFromNative(_ context.Context, format, config string, flags uint32) (string, error) {
	if err := checkFlags("lxcConnectDomainXMLFromNative", flags, 0); err != nil {
		return "", err
	}
	if err := checkNativeFormat(format); err != nil {
		return "", err
	}
	if len(config) > driverapi.MaxDefinitionLen {
		return "", virterror.New(libvirt.ErrInvalidArg, "LXC config of %d bytes is larger than the %d-byte limit", len(config), driverapi.MaxDefinitionLen)
	}
	cfg, err := xmlmap.ParseConfig([]byte(config))
	if err != nil {
		return "", virterror.Wrap(err)
	}
	dom, err := xmlmap.FromConfig(cfg, xmlmap.Options{NewUUID: randomUUID})
	if err != nil {
		return "", virterror.Wrap(err)
	}
	text, err := xmlmap.FormatDomain(dom)
	if err != nil {
		return "", internalErr("format domain XML: %v", err)
	}
	return text, nil
}

// DomainXMLToNative returns the LXC config the driver would start the
// domain XML with now: host-side veth names, confinement and lxcfs hooks
// included. libvirt-lxc has no such conversion.
func (l *LXC) DomainXMLToNative(_ context.Context, format, xml string, flags uint32) (string, error) {
	if err := checkFlags("lxcConnectDomainXMLToNative", flags, 0); err != nil {
		return "", err
	}
	if err := checkNativeFormat(format); err != nil {
		return "", err
	}
	if err := driverapi.CheckDefinition(xml); err != nil {
		return "", err
	}
	_, u, def, err := l.parseDefinition(xml)
	if err != nil {
		return "", err
	}
	live, err := l.liveDef(u, def)
	if err != nil {
		return "", err
	}
	return string(live.Config.Marshal()), nil
}

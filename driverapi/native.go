package driverapi

import "context"

// NativeFormatLXC names LXC's own container config (lxc.container.conf(5))
// as libvirt-lxc names it for virConnectDomainXMLFromNative.
const NativeFormatLXC = "lxc-tools"

// NativeConverter is implemented by drivers that convert between domain XML
// and a native config, as virConnectDomainXMLFromNative and
// virConnectDomainXMLToNative do (`virsh domxml-from-native`,
// `domxml-to-native`). It is separate from Driver so drivers without it
// need not stub it.
type NativeConverter interface {
	// DomainXMLFromNative returns the domain XML for config, written in
	// format; an unknown format is VIR_ERR_INVALID_ARG.
	DomainXMLFromNative(ctx context.Context, format, config string, flags uint32) (string, error)
	// DomainXMLToNative returns the config in format that the driver
	// would run for the domain XML xml.
	DomainXMLToNative(ctx context.Context, format, xml string, flags uint32) (string, error)
}

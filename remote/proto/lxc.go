package proto

import libvirt "github.com/digitalocean/go-libvirt"

// go-libvirt does not model the LXC program (lxc_protocol.x); its one
// payload type is declared here, in go-libvirt's style, for the generator.

// LXCDomainOpenNamespaceArgs is libvirt's lxc_domain_open_namespace_args
type LXCDomainOpenNamespaceArgs struct {
	Dom   libvirt.Domain
	Flags uint32
}

package main

import (
	"crypto/rand"
	"fmt"
	"html"
)

const (
	// bridge is the host bridge every container's veth joins.
	bridge = "lxcbr0"
	// memKiB is every container's memory (<memory>, the cgroup limit).
	memKiB = 500000
)

// domainSpec is one container, described identically to both daemons and
// to raw LXC.
type domainSpec struct {
	Name string
	UUID [16]byte
	MAC  string
}

// newSpec makes a spec with a random UUID and a locally administered MAC
// in the range LXC uses.
func newSpec(name string) domainSpec {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var m [3]byte
	_, _ = rand.Read(m[:])
	return domainSpec{Name: name, UUID: u, MAC: fmt.Sprintf("00:16:3e:%02x:%02x:%02x", m[0], m[1], m[2])}
}

func (s domainSpec) uuidString() string {
	u := s.UUID
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// XML is the libvirt domain definition: the seed demo's shape with the
// interface on the host bridge and the busybox rootfs.
func (s domainSpec) XML(rootfs string) string {
	return fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <uuid>%s</uuid>
  <memory unit='KiB'>%d</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='bridge'><source bridge='%s'/><mac address='%s'/></interface>
    <console type='pty'/>
  </devices>
</domain>
`, html.EscapeString(s.Name), s.uuidString(), memKiB, html.EscapeString(rootfs), bridge, s.MAC)
}

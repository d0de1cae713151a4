// Command lxcvirt-demo prepares the seed demo: a busybox root filesystem
// whose init runs a shell on the console, and the seed domain XML (libvirt's
// LXC announcement example) pointing at it. `make run` then drives the demo
// through stock virsh.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// seedXML is the seed demo's domain, verbatim but for the rootfs directory.
const seedXML = `<domain type='lxc'>
  <name>mycontainer</name>
  <memory>500000</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='ROOTFS'/><target dir='/'/></filesystem>
    <interface type='bridge'><source network='br0'/><mac address='00:11:22:34:34:34'/></interface>
    <console type='pty'/>
  </devices>
</domain>
`

func main() {
	rootfs := flag.String("rootfs", "/srv/mycontainer", "`DIR` to build the busybox root filesystem in")
	xmlOut := flag.String("xml", "mycontainer.xml", "`FILE` to write the seed domain XML to")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: lxcvirt-demo [-rootfs DIR] [-xml FILE]\n\n"+
			"Builds a busybox root filesystem (static busybox, applet links, an init\n"+
			"that runs a shell on the console) and writes the seed domain XML.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := prepare(*rootfs, *xmlOut); err != nil {
		fmt.Fprintf(os.Stderr, "lxcvirt-demo: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("rootfs: %s\nxml:    %s\n", *rootfs, *xmlOut)
}

func prepare(rootfs, xmlOut string) error {
	if !filepath.IsAbs(rootfs) || strings.ContainsAny(rootfs, "'<>&\"\n") {
		return fmt.Errorf("rootfs %q: want an absolute path without quotes or markup", rootfs)
	}
	if err := testenv.WriteRootfs(rootfs, testenv.InitShell); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "etc/hostname"), []byte("mycontainer\n"), 0o644); err != nil {
		return err
	}
	return os.WriteFile(xmlOut, []byte(strings.Replace(seedXML, "ROOTFS", rootfs, 1)), 0o644)
}

// Command lxcvirt-rootfs makes a minimal busybox root filesystem for a demo
// container: a static busybox with its applet links and a tiny /sbin/init.
//
//	lxcvirt-rootfs [-init shell|halt|ignore-halt] DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/lxcvirt/lxcvirt/internal/rootfs"
)

func main() {
	initName := flag.String("init", "shell", "the /sbin/init to install: shell (a shell on the console), halt (sleeps, exits on the halt signal) or ignore-halt")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-init shell|halt|ignore-halt] DIR\n\nMakes a busybox root filesystem in DIR for a demo container.\n\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	inits := map[string]string{"shell": rootfs.InitShell, "halt": rootfs.InitHonoursHalt, "ignore-halt": rootfs.InitIgnoresHalt}
	init, ok := inits[*initName]
	if flag.NArg() != 1 || !ok {
		flag.Usage()
		os.Exit(2)
	}
	if err := rootfs.Write(flag.Arg(0), init); err != nil {
		fmt.Fprintln(os.Stderr, "lxcvirt-rootfs:", err)
		os.Exit(1)
	}
}

// Command lxcvirt-rootfs makes a minimal busybox root filesystem for a demo
// container: a static busybox with its applet links and a tiny /sbin/init.
// With --owner it is made for USER's unprivileged containers: owned by the
// first ids of USER's /etc/subuid and /etc/subgid ranges, which a session
// daemon maps to the container's root; with --shift it shifts an existing
// tree (e.g. one debootstrap made) the same way instead.
//
//	lxcvirt-rootfs [-init shell|halt|ignore-halt] [--owner USER [--shift]] DIR
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"strconv"

	"github.com/lxcvirt/lxcvirt/internal/rootfs"
	"github.com/lxcvirt/lxcvirt/internal/subid"
)

func main() {
	initName := flag.String("init", "shell", "the /sbin/init to install: shell (a shell on the console), halt (sleeps, exits on the halt signal) or ignore-halt")
	owner := flag.String("owner", "", "make the tree for `USER`'s unprivileged containers: owned by the first ids of USER's /etc/subuid and /etc/subgid ranges")
	shift := flag.Bool("shift", false, "with --owner: shift the existing tree in DIR instead of making one")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-init shell|halt|ignore-halt] [--owner USER [--shift]] DIR\n\nMakes a busybox root filesystem in DIR for a demo container.\n\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	inits := map[string]string{"shell": rootfs.InitShell, "halt": rootfs.InitHonoursHalt, "ignore-halt": rootfs.InitIgnoresHalt}
	init, ok := inits[*initName]
	if flag.NArg() != 1 || !ok || *shift && *owner == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), init, *owner, *shift); err != nil {
		fmt.Fprintln(os.Stderr, "lxcvirt-rootfs:", err)
		os.Exit(1)
	}
}

func run(dir, init, owner string, shift bool) error {
	if !shift {
		if err := rootfs.Write(dir, init); err != nil {
			return err
		}
	}
	if owner == "" {
		return nil
	}
	u, err := user.Lookup(owner)
	if err != nil {
		return err
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return err
	}
	uids, err := subid.Load(subid.UIDFile, u.Username, uid)
	if err != nil {
		return err
	}
	gids, err := subid.Load(subid.GIDFile, u.Username, uid)
	if err != nil {
		return err
	}
	if len(uids) == 0 || len(gids) == 0 {
		return errors.New("user " + owner + " has no subordinate ids in " + subid.UIDFile + " and " + subid.GIDFile)
	}
	return rootfs.Shift(dir, uids[0].Start, gids[0].Start, min(uids[0].Count, gids[0].Count))
}

// Package rootfs builds minimal busybox root filesystems with tiny inits, for
// demos, tests and benchmarks.
package rootfs

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Busybox is the static busybox the builder copies.
const Busybox = "/bin/busybox"

// applets are the busybox links a demo or test container gets.
var applets = []string{
	"bin/sh", "bin/ash", "bin/cat", "bin/echo", "bin/ls", "bin/mkdir", "bin/mount", "bin/umount",
	"bin/ps", "bin/sleep", "bin/hostname", "bin/kill", "bin/rm", "bin/cp", "bin/mv", "bin/ln",
	"bin/grep", "bin/sed", "bin/dd", "bin/date", "bin/uname", "bin/true", "bin/false", "bin/touch",
	"bin/chmod", "bin/df", "bin/dmesg", "bin/pidof", "bin/stty", "bin/sync", "bin/head", "bin/tail",
	"bin/wc", "bin/vi", "bin/watch", "bin/ping",
	"sbin/arping", "sbin/ip", "sbin/ifconfig", "sbin/halt", "sbin/poweroff", "sbin/reboot", "sbin/udhcpc", "sbin/route",
	"usr/bin/env", "usr/bin/id", "usr/bin/top", "usr/bin/free", "usr/bin/tr", "usr/bin/seq",
	"usr/bin/yes", "usr/bin/awk", "usr/bin/wget", "usr/bin/nc", "usr/bin/test", "usr/bin/[",
	"usr/bin/md5sum", "usr/bin/find", "usr/bin/xargs", "usr/bin/uptime", "usr/bin/whoami",
}

// Tiny inits. The busybox template's own init defers signals while it waits
// for DHCP, so demos and tests use these instead.
const (
	// InitHonoursHalt exits on SIGPWR/SIGTERM (LXC's halt signal is SIGPWR).
	InitHonoursHalt = `#!/bin/sh
trap 'exit 0' PWR TERM INT
while :; do sleep 1000 & wait $!; done
`
	// InitIgnoresHalt ignores the halt signals; only SIGKILL stops it.
	InitIgnoresHalt = `#!/bin/sh
trap '' PWR TERM INT HUP
while :; do sleep 1000 & wait $!; done
`
	// InitShell runs a shell on the console, as in the seed demo; when the
	// container has an eth0 it also keeps a DHCP lease on it (udhcpc with
	// DHCPScript, releasing the lease when init halts). It honours the halt
	// signal.
	InitShell = `#!/bin/sh
dhcp=
trap '[ -z "$dhcp" ] || { kill $dhcp; wait $dhcp; }; exit 0' PWR TERM
hostname -F /etc/hostname 2>/dev/null
if ip link show eth0 >/dev/null 2>&1; then
	udhcpc -f -R -i eth0 -x hostname:"$(hostname)" >/dev/null 2>&1 </dev/null &
	dhcp=$!
fi
while :; do /bin/sh -i </dev/console >/dev/console 2>&1 & wait $!; sleep 1; done
`

	// DHCPScript is udhcpc's event script (/etc/udhcpc/default.script): it
	// puts the lease's address, default route and name servers on the
	// interface, then asks the router for its MAC address, so the host
	// learns the container's (the ARP source of virsh domifaddr).
	DHCPScript = `#!/bin/sh
case "$1" in
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set "$interface" up
	;;
bound | renew)
	[ "$1" = renew ] || ip -4 addr flush dev "$interface"
	ip -4 addr replace "$ip/${mask:-24}" broadcast "${broadcast:-+}" dev "$interface"
	gw=${router%% *}
	if [ -n "$gw" ]; then
		ip -4 route replace default via "$gw" dev "$interface"
		arping -q -c 1 -w 1 -I "$interface" "$gw"
	fi
	if [ -n "$dns" ]; then
		for ns in $dns; do echo "nameserver $ns"; done >"${RESOLV_CONF:-/etc/resolv.conf}"
	fi
	;;
esac
exit 0
`
)

// Write makes a busybox root filesystem under dir with init as its
// /sbin/init.
func Write(dir, init string) error {
	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "etc", "etc/udhcpc", "proc", "sys", "dev", "dev/pts", "tmp", "root", "run", "var/run"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	bb, err := os.ReadFile(Busybox)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin/busybox"), bb, 0o755); err != nil {
		return err
	}
	for _, applet := range applets {
		link := filepath.Join(dir, applet)
		rel, err := filepath.Rel(filepath.Dir(link), filepath.Join(dir, "bin/busybox"))
		if err != nil {
			return err
		}
		if err := os.Symlink(rel, link); err != nil && !os.IsExist(err) {
			return err
		}
	}
	files := map[string]string{
		"sbin/init":                 init,
		"etc/passwd":                "root:x:0:0:root:/root:/bin/sh\n",
		"etc/group":                 "root:x:0:\n",
		"etc/profile":               "export PATH=/bin:/sbin:/usr/bin:/usr/sbin\n",
		"etc/udhcpc/default.script": DHCPScript,
	}
	for name, body := range files {
		mode := os.FileMode(0o644)
		if bytes.HasPrefix([]byte(body), []byte("#!")) {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), mode); err != nil {
			return err
		}
	}
	return nil
}

// Shift moves the ownership of every file under dir (dir included) into
// an unprivileged container's id ranges: uid u becomes uidBase+u and gid g
// gidBase+g, so what root owned belongs to the container's root once
// lxc.idmap maps 0 onto uidBase. Ids at or beyond count are refused, as
// are trees already shifted. Set-id bits, which chown clears, are put
// back.
func Shift(dir string, uidBase, gidBase, count uint32) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("rootfs: %s: no owner", path)
		}
		if st.Uid >= count || st.Gid >= count {
			return fmt.Errorf("rootfs: %s: owner %d:%d is beyond the %d ids to shift (already shifted?)", path, st.Uid, st.Gid, count)
		}
		if err := os.Lchown(path, int(uidBase+st.Uid), int(gidBase+st.Gid)); err != nil {
			return err
		}
		if mode := info.Mode(); mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 && mode.Type() == 0 {
			return os.Chmod(path, mode)
		}
		return nil
	})
}

package hostnet

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
)

// LXCNet is the configuration of LXC's lxc-net service (its bridge with
// dnsmasq's DHCP and NAT), as its script reads it.
type LXCNet struct {
	Use       bool   // USE_LXC_BRIDGE
	Bridge    string // LXC_BRIDGE
	MAC       string // LXC_BRIDGE_MAC
	Addr      string // LXC_ADDR
	Netmask   string // LXC_NETMASK
	DHCPRange string // LXC_DHCP_RANGE: "FIRST,LAST"
	Domain    string // LXC_DOMAIN
}

// lxcNetDefaults are lxc-net's built-in values (LXC 5.0's script).
var lxcNetDefaults = LXCNet{
	Use: true, Bridge: "lxcbr0", MAC: "00:16:3e:00:00:00", Addr: "10.0.3.1",
	Netmask: "255.255.255.0", DHCPRange: "10.0.3.2,10.0.3.254",
}

// LXCNetFiles are the files lxc-net's settings come from, in the order
// they are read: the lxc package's defaults file, which on Debian sources
// lxc-net's own.
var LXCNetFiles = []string{"/etc/default/lxc", "/etc/default/lxc-net"}

// ReadLXCNet reads lxc-net's settings from files (later ones override),
// over its built-in defaults. Missing files are skipped. Only plain
// NAME=VALUE assignments are understood, as Debian writes them; anything
// else in the files (comments, the line that sources another file) is
// ignored.
func ReadLXCNet(files []string) (LXCNet, error) {
	n := lxcNetDefaults
	for _, f := range files {
		b, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return n, err
		}
		parseShellAssignments(b, func(k, v string) {
			switch k {
			case "USE_LXC_BRIDGE":
				n.Use = v == "true"
			case "LXC_BRIDGE":
				n.Bridge = v
			case "LXC_BRIDGE_MAC":
				n.MAC = v
			case "LXC_ADDR":
				n.Addr = v
			case "LXC_NETMASK":
				n.Netmask = v
			case "LXC_DHCP_RANGE":
				n.DHCPRange = v
			case "LXC_DOMAIN":
				n.Domain = v
			}
		})
	}
	return n, nil
}

// parseShellAssignments calls set for every NAME=VALUE line of b, with
// one level of quotes removed from VALUE.
func parseShellAssignments(b []byte, set func(k, v string)) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t#$") {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
			end := strings.IndexByte(v[1:], v[0])
			if end < 0 {
				continue
			}
			v = v[1 : 1+end]
		} else if i := strings.IndexAny(v, " \t#"); i >= 0 {
			v = v[:i]
		}
		set(k, v)
	}
}

package hostnet

import (
	"bufio"
	"errors"
	"io/fs"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// now is the clock expired leases are judged by.
var now = time.Now

// readLeases parses a dnsmasq lease file: one lease a line, "EXPIRY MAC
// IP HOSTNAME CLIENTID" for IPv4 and "EXPIRY IAID IP HOSTNAME CLIENTID"
// after the "duid" line for IPv6, "*" for an absent hostname or client
// id. Leases that have expired are left out, as libvirt's network driver
// leaves them out; expiry 0 is a lease that never expires. A missing file
// has no leases.
func readLeases(path, bridge string, prefix uint32) ([]driverapi.DHCPLease, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "cannot read the DHCP leases: %v", err)
	}
	defer f.Close()
	var out []driverapi.DHCPLease
	t := now().Unix()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) < 4 || fl[0] == "duid" {
			continue
		}
		expiry, err := strconv.ParseInt(fl[0], 10, 64)
		ip := net.ParseIP(fl[2])
		if err != nil || ip == nil || (expiry != 0 && expiry < t) {
			continue
		}
		l := driverapi.DHCPLease{Iface: bridge, ExpiryTime: expiry, IP: ip.String(), Prefix: prefix}
		if ip.To4() == nil {
			l.IPv6, l.IAID, l.Prefix = true, fl[1], 64
		} else if mac, err := net.ParseMAC(fl[1]); err == nil {
			l.MAC = mac.String()
		}
		if fl[3] != "*" {
			l.Hostname = fl[3]
		}
		if len(fl) > 4 && fl[4] != "*" {
			l.ClientID = fl[4]
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "cannot read the DHCP leases: %v", err)
	}
	return out, nil
}

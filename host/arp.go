package host

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// atfComplete is ATF_COM: the entry has a hardware address.
const atfComplete = 0x2

// ARPTable reads the complete entries of /proc/net/arp, what libvirt's
// virArpTableGet finds for virDomainInterfaceAddresses' ARP source.
func (h Host) ARPTable() ([]driverapi.Neighbor, error) {
	b, err := os.ReadFile(h.path("proc/net/arp"))
	if err != nil {
		return nil, err
	}
	var out []driverapi.Neighbor
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Scan() // the header
	for sc.Scan() {
		// IP address  HW type  Flags  HW address  Mask  Device
		f := strings.Fields(sc.Text())
		if len(f) < 6 {
			continue
		}
		flags, err := strconv.ParseUint(strings.TrimPrefix(f[2], "0x"), 16, 32)
		if err != nil || flags&atfComplete == 0 {
			continue
		}
		out = append(out, driverapi.Neighbor{IP: f[0], MAC: strings.ToLower(f[3]), Device: f[5]})
	}
	return out, sc.Err()
}

// Package libvirtnet connects container interfaces to the networks of
// libvirt's network driver (virtnetworkd, or libvirtd with it), as
// libvirt's LXC driver does for <interface type='network'>: a network port
// is created for each interface at start (virNetworkPortCreateXML; the
// network driver answers with the bridge to plug it into and does its
// bookkeeping: DHCP, bandwidth, port counts) and deleted when the
// container stops. It is a libvirt client over the network driver's unix
// socket and touches nothing on the host itself.
package libvirtnet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/remote/client"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// callTimeout bounds one plug or unplug, connection included.
const callTimeout = 30 * time.Second

// Ports plugs interfaces into libvirt's networks.
type Ports struct {
	// Sockets are where libvirt's network driver is looked for, in order
	// (client.NetworkSockets).
	Sockets []string
}

// Plug creates a port on the named network for an interface with mac of
// the domain owner (name and UUID) and returns the port's UUID and the
// bridge to attach the interface to. ok is false, with no error, when
// libvirt's network driver is not running: the caller resolves the
// network by itself then.
func (p *Ports) Plug(ctx context.Context, network, mac, owner string, ownerUUID [16]byte) (portID, bridge string, ok bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	c, err := p.dial(ctx)
	if c == nil {
		return "", "", false, err
	}
	defer c.Close()
	var net libvirt.NetworkLookupByNameRet
	if err := c.Call(ctx, proto.ProcNetworkLookupByName, &libvirt.NetworkLookupByNameArgs{Name: network}, &net); err != nil {
		return "", "", true, err
	}
	// The caller names the port, as libvirt's virDomainNetDefToNetworkPort does.
	var id [16]byte
	_, _ = rand.Read(id[:])
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	doc := libvirtxml.NetworkPort{
		UUID:  formatUUID(id),
		Owner: &libvirtxml.NetworkPortOwner{Name: owner, UUID: formatUUID(ownerUUID)},
		MAC:   &libvirtxml.NetworkPortMAC{Address: mac},
	}
	x, err := doc.Marshal()
	if err != nil {
		return "", "", true, virterror.New(libvirt.ErrInternalError, "network port XML: %v", err)
	}
	var port libvirt.NetworkPortCreateXMLRet
	if err := c.Call(ctx, proto.ProcNetworkPortCreateXML, &libvirt.NetworkPortCreateXMLArgs{OptNetwork: net.Net, XML: x}, &port); err != nil {
		return "", "", true, err
	}
	portID = formatUUID(port.Port.UUID)
	bridge, err = portBridge(ctx, c, port.Port)
	if err != nil {
		p.delete(ctx, c, port.Port)
		return "", "", true, err
	}
	return portID, bridge, true, nil
}

// portBridge reads the bridge a port is plugged into.
func portBridge(ctx context.Context, c *client.Conn, port libvirt.NetworkPort) (string, error) {
	var desc libvirt.NetworkPortGetXMLDescRet
	if err := c.Call(ctx, proto.ProcNetworkPortGetXMLDesc, &libvirt.NetworkPortGetXMLDescArgs{Port: port}, &desc); err != nil {
		return "", err
	}
	var doc libvirtxml.NetworkPort
	if err := doc.Unmarshal(desc.XML); err != nil {
		return "", virterror.New(libvirt.ErrInternalError, "network port XML: %v", err)
	}
	switch pl := doc.Plug; {
	case pl != nil && pl.Network != nil && pl.Network.Bridge != "":
		return pl.Network.Bridge, nil
	case pl != nil && pl.Bridge != nil && pl.Bridge.Bridge != "":
		return pl.Bridge.Bridge, nil
	}
	return "", virterror.New(libvirt.ErrConfigUnsupported, "network '%s' does not plug interfaces into a bridge, which is all the LXC driver supports", port.Net.Name)
}

// Unplug deletes the port portID of the named network. A port or network
// that is gone already is not an error.
func (p *Ports) Unplug(ctx context.Context, network, portID string) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	c, err := p.dial(ctx)
	if c == nil {
		return err
	}
	defer c.Close()
	var net libvirt.NetworkLookupByNameRet
	if err := c.Call(ctx, proto.ProcNetworkLookupByName, &libvirt.NetworkLookupByNameArgs{Name: network}, &net); err != nil {
		return ignoreGone(err)
	}
	u, err := parseUUID(portID)
	if err != nil {
		return err
	}
	return ignoreGone(p.delete(ctx, c, libvirt.NetworkPort{Net: net.Net, UUID: u}))
}

func (p *Ports) delete(ctx context.Context, c *client.Conn, port libvirt.NetworkPort) error {
	return c.Call(ctx, proto.ProcNetworkPortDelete, &libvirt.NetworkPortDeleteArgs{Port: port}, nil)
}

func ignoreGone(err error) error {
	if virterror.HasCode(err, libvirt.ErrNoNetwork) || virterror.HasCode(err, libvirt.ErrNoNetworkPort) {
		return nil
	}
	return err
}

// dial opens network:///system; nil with no error when libvirt's network
// driver is not running.
func (p *Ports) dial(ctx context.Context) (*client.Conn, error) {
	c, _, err := client.DialNetwork(ctx, p.Sockets, client.Options{})
	if errors.Is(err, client.ErrNoNetworkDriver) {
		return nil, nil
	}
	return c, err
}

func formatUUID(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func parseUUID(s string) (libvirt.UUID, error) {
	var u libvirt.UUID
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != len(u) {
		return u, virterror.New(libvirt.ErrInvalidArg, "malformed network port uuid '%s'", s)
	}
	copy(u[:], b)
	return u, nil
}

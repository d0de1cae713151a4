package client

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// NetworkURI is the URI of libvirt's network driver, which libvirt's
// modular hypervisor daemons open for their network calls.
const NetworkURI = "network:///system"

// The network_driver setting's words.
const (
	NetworkAuto = "auto"
	NetworkNone = "none"
)

// DefaultNetworkSockets are where libvirt's network driver is served:
// virtnetworkd's socket, then libvirtd's (which has it built in).
var DefaultNetworkSockets = []string{"/run/libvirt/virtnetworkd-sock", "/run/libvirt/libvirt-sock"}

// NetworkSockets are the sockets the network_driver setting names: the
// default ones for "auto", none for "none", else the one path it is.
func NetworkSockets(setting string) []string {
	switch setting {
	case "", NetworkAuto:
		return DefaultNetworkSockets
	case NetworkNone:
		return nil
	}
	return []string{setting}
}

// ErrNoNetworkDriver is DialNetwork's error when no socket has a daemon
// with libvirt's network driver.
var ErrNoNetworkDriver = errors.New("libvirt's network driver is not running")

// DialNetwork opens network:///system on the first of sockets that
// exists and whose daemon has the network driver. It fails with an error
// wrapping ErrNoNetworkDriver when none has.
func DialNetwork(ctx context.Context, sockets []string, opt Options) (*Conn, string, error) {
	var errs []error
	for _, s := range sockets {
		if _, err := os.Stat(s); err != nil {
			continue
		}
		c, err := Dial(ctx, s, NetworkURI, opt)
		if err == nil {
			return c, s, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", s, err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, "", fmt.Errorf("%w (%w)", ErrNoNetworkDriver, errors.Join(errs...))
}

package client_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/client"
	"github.com/lxcvirt/lxcvirt/remote/client/clienttest"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

func TestCallsAndErrors(t *testing.T) {
	release := make(chan struct{})
	d := clienttest.Start(t, map[int32]clienttest.Handler{
		proto.ProcConnectGetHostname: func([]byte) (any, *wire.ErrorPayload) {
			return &libvirt.ConnectGetHostnameRet{Hostname: "h1"}, nil
		},
		proto.ProcNetworkDestroy: func([]byte) (any, *wire.ErrorPayload) {
			return nil, wire.NewError(int32(libvirt.ErrOperationInvalid), 19, "Requested operation is not valid: network is not active", "")
		},
		proto.ProcConnectGetVersion: func([]byte) (any, *wire.ErrorPayload) {
			<-release
			return &libvirt.ConnectGetVersionRet{HvVer: 1}, nil
		},
	})
	c, err := client.Dial(t.Context(), d.Path, "test:///x", client.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if o := d.Opens(); len(o) != 1 || o[0].Name[0] != "test:///x" || o[0].Flags != libvirt.ConnectRo {
		t.Errorf("opens %+v", o)
	}
	var host libvirt.ConnectGetHostnameRet
	if err := c.Call(t.Context(), proto.ProcConnectGetHostname, nil, &host); err != nil || host.Hostname != "h1" {
		t.Errorf("hostname %q: %v", host.Hostname, err)
	}
	err = c.Call(t.Context(), proto.ProcNetworkDestroy, &libvirt.NetworkDestroyArgs{}, nil)
	if e := virterror.As(err); e == nil || e.Code != libvirt.ErrOperationInvalid || e.Domain != 19 || e.Message != "Requested operation is not valid: network is not active" {
		t.Errorf("error %#v", err)
	}
	// A call that gets no answer ends with its context.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := c.Call(ctx, proto.ProcConnectGetVersion, nil, &libvirt.ConnectGetVersionRet{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("unanswered call: %v", err)
	}
	close(release)
	c.Close()
	if err := c.Call(t.Context(), proto.ProcConnectGetHostname, nil, &host); !errors.Is(err, client.ErrClosed) {
		t.Errorf("call after close: %v", err)
	}
}

func TestDialNetwork(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := client.DialNetwork(t.Context(), []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}, client.Options{}); !errors.Is(err, client.ErrNoNetworkDriver) {
		t.Errorf("no sockets: %v", err)
	}
	d := clienttest.Start(t, nil)
	c, sock, err := client.DialNetwork(t.Context(), []string{filepath.Join(dir, "a"), d.Path}, client.Options{})
	if err != nil || sock != d.Path {
		t.Fatalf("dial: %q %v", sock, err)
	}
	c.Close()
	if o := d.Opens(); len(o) != 1 || o[0].Name[0] != client.NetworkURI {
		t.Errorf("opens %+v", o)
	}
	for _, setting := range []string{"", "auto"} {
		if got := client.NetworkSockets(setting); len(got) != 2 {
			t.Errorf("%q: %v", setting, got)
		}
	}
	if got := client.NetworkSockets("none"); got != nil {
		t.Errorf("none: %v", got)
	}
	if got := client.NetworkSockets("/x/sock"); len(got) != 1 || got[0] != "/x/sock" {
		t.Errorf("path: %v", got)
	}
}

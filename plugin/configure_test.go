package plugin

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/settings"
	"github.com/lxcvirt/lxcvirt/virterror"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// serveConfigurable serves a server that opens its driver with open on a
// unix socket, as the plugin binary does, and returns the host's client.
func serveConfigurable(t *testing.T, open func(settings.Settings) (driverapi.Driver, error)) (*Client, *Server) {
	t.Helper()
	srv := newConfigurableServer(open, nil)
	gs := srv.grpcServer(nil)
	pb.RegisterDriverServer(gs, srv)
	l, err := net.Listen("unix", filepath.Join(t.TempDir(), "plugin.sock"))
	if err != nil {
		t.Fatal(err)
	}
	go gs.Serve(l)
	t.Cleanup(gs.Stop)
	conn, err := grpc.NewClient("unix://"+l.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return NewClient(conn), srv
}

// TestConfigure: the plugin serves nothing before Configure, opens its
// driver with exactly the settings the host sent, and refuses a second
// Configure.
func TestConfigure(t *testing.T) {
	ctx := context.Background()
	var (
		mu  sync.Mutex
		got []settings.Settings
	)
	opened := func() []settings.Settings {
		mu.Lock()
		defer mu.Unlock()
		return append([]settings.Settings(nil), got...)
	}
	f := sampleFake()
	c, srv := serveConfigurable(t, func(s settings.Settings) (driverapi.Driver, error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, s)
		return f, nil
	})
	notYet := func(err error) bool {
		ve := virterror.As(err)
		return ve != nil && ve.Code == libvirt.ErrOperationInvalid && strings.Contains(ve.Message, "not configured yet")
	}
	if _, err := c.LookupByName(ctx, "x"); !notYet(err) {
		t.Fatalf("call before Configure: %v", err)
	}
	if _, err := c.Events(ctx); !notYet(err) {
		t.Fatalf("stream before Configure: %v", err)
	}
	if err := srv.closeDriver(); err != nil {
		t.Fatalf("close before Configure: %v", err)
	}
	want := settings.Defaults()
	want.StateDir, want.JobTimeout, want.Networks = "/srv/state", 1500, map[string]string{"lab": "br-lab"}
	if err := c.Configure(ctx, want); err != nil {
		t.Fatal(err)
	}
	if o := opened(); len(o) != 1 || !reflect.DeepEqual(o[0], want) {
		t.Fatalf("opened with %+v, want %+v", o, want)
	}
	if d, err := c.LookupByName(ctx, "x"); err != nil || d != f.dom {
		t.Fatalf("after Configure: %v %v", d, err)
	}
	err := c.Configure(ctx, want)
	if ve := virterror.As(err); ve == nil || ve.Code != libvirt.ErrOperationInvalid || !strings.Contains(ve.Message, "already configured") {
		t.Fatalf("second Configure: %v", err)
	}
	if o := opened(); len(o) != 1 {
		t.Fatalf("the driver was opened %d times", len(o))
	}
}

// TestConfigureOpenFails: the driver's reason reaches the host, and the
// plugin stays unconfigured.
func TestConfigureOpenFails(t *testing.T) {
	ctx := context.Background()
	c, _ := serveConfigurable(t, func(settings.Settings) (driverapi.Driver, error) {
		return nil, errors.New("state dir must be an absolute, clean path")
	})
	err := c.Configure(ctx, settings.Defaults())
	if ve := virterror.As(err); ve == nil || ve.Code != libvirt.ErrInternalError || !strings.Contains(ve.Message, "absolute, clean path") {
		t.Fatalf("Configure: %v", err)
	}
	if _, err := c.ListAll(ctx, 0); err == nil || !strings.Contains(err.Error(), "not configured yet") {
		t.Fatalf("call after a failed Configure: %v", err)
	}
}

package driver

import (
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/lxc"
)

// A domain imported from an LXC container does not start while LXC runs
// that container, and starts with the imported signals once it stopped.
func TestImportedStart(t *testing.T) {
	e := newEnv(t)
	e.rt.foreign = map[string]lxc.State{"/var/lib/lxc/bb1": lxc.Running}
	d := e.define("bb1", uuidA, `<metadata><lxcvirt:container xmlns:lxcvirt="urn:lxcvirt:1">
	  <lxcvirt:signals halt="SIGUSR1" reboot="SIGTERM"/><lxcvirt:imported path="/var/lib/lxc/bb1"/>
	</lxcvirt:container></metadata>`)
	_, err := e.l.Create(t.Context(), d.UUID, 0)
	wantCode(t, err, libvirt.ErrOperationInvalid, "imported from LXC container 'bb1' (lxcpath /var/lib/lxc), which is RUNNING")
	if n := e.rt.count("start bb1"); n != 0 {
		t.Fatalf("the container was started %d times", n)
	}
	e.rt.mu.Lock()
	e.rt.foreign["/var/lib/lxc/bb1"] = lxc.Stopped
	e.rt.mu.Unlock()
	e.start(d)
	cfg, _ := e.rt.config("bb1")
	for _, want := range []string{"lxc.signal.halt = SIGUSR1\n", "lxc.signal.reboot = SIGTERM\n"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
}

//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// hostStatsPython is Debian's python3 with libvirt-python (python3-libvirt,
// installed by make deps); without it the test stops (testenv.Missing).
func hostStatsPython(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import libvirt").CombinedOutput(); err != nil {
		testenv.Missing(t, "needs python3-libvirt (make deps): %s", out)
	}
	return py
}

// TestStatsWhileDomainsComeAndGo runs libvirt-python's getAllDomainStats
// and domainListGetStats in a loop on one connection while another
// connection creates and destroys transient containers: no poll may fail.
// Each container is destroyed only after a poll saw it, so polls overlap
// every creation and removal.
func TestStatsWhileDomainsComeAndGo(t *testing.T) {
	py := hostStatsPython(t)
	h := newHost(t)
	d := startDaemon(t, h)
	// A persistent, running domain too, so every poll has one to report.
	steady := h.name("steady")
	d.ok("define", writeXML(t, guestXML(steady, h.rootfs(testenv.InitHonoursHalt), "")))
	d.ok("start", steady)
	churn := h.name("churn")
	const cycles = 6
	for i := range cycles {
		h.mu.Lock()
		h.names = append(h.names, fmt.Sprintf("%s-%d", churn, i)) // killAll stops leftovers
		h.mu.Unlock()
	}
	xmlFile := writeXML(t, guestXML(churn, h.rootfs(testenv.InitHonoursHalt), ""))

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, filepath.Join("clients", "stats_churn.py"), uri(d.sock), xmlFile, strconv.Itoa(cycles))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stats_churn.py: %v\n%s", err, stderr.String())
	}
	var res struct {
		Polls        int      `json:"polls"`
		Errors       []string `json:"errors"`
		Cycles       int      `json:"cycles"`
		SawTransient int      `json:"saw_transient"`
		ChurnError   string   `json:"churn_error"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("stats_churn.py output %q: %v", out, err)
	}
	t.Logf("%d polls over %d create/destroy cycles, %d saw a transient domain", res.Polls, res.Cycles, res.SawTransient)
	if res.ChurnError != "" || res.Cycles != cycles {
		t.Fatalf("the churning client did %d of %d cycles: %s", res.Cycles, cycles, res.ChurnError)
	}
	if res.SawTransient < cycles {
		t.Fatalf("polls saw a transient domain %d times, want at least once per cycle (%d)", res.SawTransient, cycles)
	}
	if len(res.Errors) != 0 {
		t.Fatalf("%d of %d polls failed, e.g. %s", len(res.Errors), res.Polls, res.Errors[0])
	}
}

//go:build integration

package integration

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// BenchmarkEventLatency measures how long a state change nobody asked
// lxcvirtd for takes to reach libvirt clients as a lifecycle event: from
// kill -9 of a container's init (→ "Stopped Crashed"), and from starting
// lxc-freeze on it (→ "Suspended Paused"), to the event decoded by a
// go-libvirt client on the daemon's socket and to the line `virsh event
// --all --loop` prints. lxc-freeze spends tens of milliseconds before it
// touches the freezer, so the freeze case also reports the time from the
// moment the freezer reads frozen (polled every 100 µs) to the go-libvirt
// event ("frozen-golibvirt"). Each is reported as mean, p50, p95 and max in
// ms; the timer covers only the change and its event, not the restart or
// thaw between iterations.
func BenchmarkEventLatency(b *testing.B) {
	h := newHost(b)
	d := startDaemon(b, h)
	l := dialGo(b, d.sock)
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	events, err := l.LifecycleEvents(ctx)
	must(b, err)
	lines := d.watchEvents()

	name := h.name("latency")
	dom, err := l.DomainDefineXML(guestXML(name, h.rootfs(testenv.InitHonoursHalt), ""))
	must(b, err)
	must(b, l.DomainCreate(dom))

	// await waits for name's event typ/detail on both clients and returns
	// when each arrived.
	await := func(typ libvirt.DomainEventType, detail int32, line string) (golibvirt, virsh time.Time) {
		b.Helper()
		timeout := time.After(20 * time.Second)
		for golibvirt.IsZero() || virsh.IsZero() {
			select {
			case ev := <-events:
				if ev.Dom.Name == name && ev.Event == int32(typ) && ev.Detail == detail {
					golibvirt = time.Now()
				}
			case got := <-lines.lines:
				if got == lifecycleLine(name, line) {
					virsh = time.Now()
				}
			case <-timeout:
				b.Fatalf("no %q event", line)
			}
		}
		return golibvirt, virsh
	}
	await(libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedAdded), "Defined Added")
	await(libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted), "Started Booted")
	initPID := func() int {
		b.Helper()
		got, err := l.DomainLookupByName(name)
		must(b, err)
		return int(got.ID)
	}

	for _, c := range []struct {
		name          string
		change        func() func() // makes the change; returns what waits for its tool
		typ           libvirt.DomainEventType
		detail        int32
		line          string
		undo          func()
		undoneTyp     libvirt.DomainEventType
		undoneDetail  int32
		undoneLineFor string
	}{
		{
			name:   "kill",
			change: func() func() { must(b, unix.Kill(initPID(), unix.SIGKILL)); return func() {} },
			typ:    libvirt.DomainEventStopped, detail: int32(libvirt.DomainEventStoppedCrashed), line: "Stopped Crashed",
			undo:      func() { must(b, l.DomainCreate(dom)) },
			undoneTyp: libvirt.DomainEventStarted, undoneDetail: int32(libvirt.DomainEventStartedBooted), undoneLineFor: "Started Booted",
		},
		{
			name: "freeze",
			change: func() func() {
				cmd := exec.Command("lxc-freeze", "-P", h.lxcPath, "-n", name)
				must(b, cmd.Start())
				return func() { must(b, cmd.Wait()) }
			},
			typ: libvirt.DomainEventSuspended, detail: int32(libvirt.DomainEventSuspendedPaused), line: "Suspended Paused",
			undo: func() {
				if out, err := runTool("lxc-unfreeze", "-P", h.lxcPath, "-n", name); err != nil {
					b.Fatalf("lxc-unfreeze: %v: %s", err, out)
				}
			},
			undoneTyp: libvirt.DomainEventResumed, undoneDetail: int32(libvirt.DomainEventResumedUnpaused), undoneLineFor: "Resumed Unpaused",
		},
	} {
		b.Run(c.name, func(b *testing.B) {
			var wire, line, sinceFrozen []time.Duration
			b.ResetTimer()
			for range b.N {
				var frozen <-chan time.Time
				if c.name == "freeze" {
					frozen = watchFreezer(b, initPID())
				}
				start := time.Now()
				wait := c.change()
				gl, vl := await(c.typ, c.detail, c.line)
				b.StopTimer()
				wire, line = append(wire, gl.Sub(start)), append(line, vl.Sub(start))
				if frozen != nil {
					sinceFrozen = append(sinceFrozen, gl.Sub(<-frozen))
				}
				wait()
				c.undo()
				await(c.undoneTyp, c.undoneDetail, c.undoneLineFor)
				b.StartTimer()
			}
			b.StopTimer()
			reportLatency(b, "golibvirt", wire)
			reportLatency(b, "virsh", line)
			if sinceFrozen != nil {
				reportLatency(b, "frozen-golibvirt", sinceFrozen)
			}
		})
	}
}

// watchFreezer polls the freezer of the container whose init is pid every
// 100 µs and sends the moment it first reads frozen (or freezing).
func watchFreezer(b *testing.B, pid int) <-chan time.Time {
	path := cgroupFile(b, pid, "freezer", "freezer.state", "cgroup.freeze")
	out := make(chan time.Time, 1)
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if s, err := os.ReadFile(path); err == nil {
				if v := strings.TrimSpace(string(s)); v == "FROZEN" || v == "FREEZING" || v == "1" {
					out <- time.Now()
					return
				}
			}
			time.Sleep(100 * time.Microsecond)
		}
		out <- time.Now()
	}()
	return out
}

// reportLatency reports mean, p50, p95 and max of ds in milliseconds.
func reportLatency(b *testing.B, client string, ds []time.Duration) {
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	pct := func(p int) time.Duration { return ds[min(len(ds)-1, len(ds)*p/100)] }
	b.ReportMetric(ms(sum/time.Duration(len(ds))), "ms-mean-"+client)
	b.ReportMetric(ms(pct(50)), "ms-p50-"+client)
	b.ReportMetric(ms(pct(95)), "ms-p95-"+client)
	b.ReportMetric(ms(ds[len(ds)-1]), "ms-max-"+client)
}

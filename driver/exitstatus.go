package driver

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// exitSource tells how a watched process exited: its wait status. A
// container's init is LXC's child, not the driver's, so waitid cannot tell;
// the pidfd watch only says that it exited.
type exitSource interface {
	// watch starts recording pid's exit; call it before pid can exit
	// unseen (right after the pid is known).
	watch(pid int)
	// forget drops pid's record.
	forget(pid int)
	// status waits up to wait for pid's exit status; ok is false when it
	// is not known (pid not watched, or its exit was not seen).
	status(pid int, wait time.Duration) (ws unix.WaitStatus, ok bool)
	close()
}

// Kernel process-events connector (linux/cn_proc.h, linux/connector.h).
const (
	cnIdxProc         = 1
	cnValProc         = 1
	procCNMcastListen = 1
	procCNMcastIgnore = 2
	procEventExit     = 0x80000000
	cnMsgSize         = 20 // struct cn_msg without data
	procEventHdrSize  = 16 // what, cpu, timestamp_ns
)

// procExits reads every process exit on the host from the kernel's
// process-events connector (a netlink multicast group; needs root in the
// initial namespaces) and keeps the wait status of the watched PIDs. The
// kernel sends the event before the exit wakes pidfd waiters, so the status
// is normally known when the init watch fires.
type procExits struct {
	log *slog.Logger
	f   *os.File

	mu      sync.Mutex
	watched map[int]*exitRecord
	closed  bool
	done    chan struct{}
}

type exitRecord struct {
	seen chan struct{} // closed once the exit was seen
	ws   unix.WaitStatus
}

// newProcExits subscribes to process events.
func newProcExits(log *slog.Logger) (*procExits, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.NETLINK_CONNECTOR)
	if err != nil {
		return nil, fmt.Errorf("process events: socket: %w", err)
	}
	// A busy host sends many events; a larger buffer loses fewer.
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 4<<20)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: cnIdxProc}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("process events: bind: %w", err)
	}
	if err := unix.Sendto(fd, procControl(procCNMcastListen), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("process events: listen: %w", err)
	}
	p := &procExits{
		log: log, f: os.NewFile(uintptr(fd), "proc-connector"),
		watched: map[int]*exitRecord{}, done: make(chan struct{}),
	}
	go p.read()
	return p, nil
}

// procControl is a connector message switching process events on or off.
func procControl(op uint32) []byte {
	b := make([]byte, unix.NLMSG_HDRLEN+cnMsgSize+4)
	ne := binary.NativeEndian
	ne.PutUint32(b[0:], uint32(len(b)))
	ne.PutUint16(b[4:], unix.NLMSG_DONE)
	ne.PutUint32(b[16:], cnIdxProc)
	ne.PutUint32(b[20:], cnValProc)
	ne.PutUint16(b[32:], 4)
	ne.PutUint32(b[36:], op)
	return b
}

func (p *procExits) read() {
	defer close(p.done)
	rc, err := p.f.SyscallConn()
	if err != nil {
		p.log.Warn("process events unavailable", "err", err)
		return
	}
	buf := make([]byte, 64<<10)
	for {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			n, _, rerr = unix.Recvfrom(int(fd), buf, 0)
			return !errors.Is(rerr, unix.EAGAIN)
		})
		switch {
		case err != nil: // closed
			return
		case errors.Is(rerr, unix.ENOBUFS):
			p.log.Warn("process events lost (socket buffer overrun); some exits will count as unknown")
			continue
		case rerr != nil:
			p.log.Warn("process events: receive failed; exit statuses unavailable from now", "err", rerr)
			return
		}
		p.parse(buf[:n])
	}
}

// parse handles one datagram of netlink messages.
func (p *procExits) parse(b []byte) {
	msgs, err := syscall.ParseNetlinkMessage(b)
	if err != nil {
		return
	}
	for _, m := range msgs {
		pid, ws, ok := parseExitEvent(m.Data)
		if !ok {
			continue
		}
		p.mu.Lock()
		if r := p.watched[pid]; r != nil {
			select {
			case <-r.seen:
			default:
				r.ws = ws
				close(r.seen)
			}
		}
		p.mu.Unlock()
	}
}

// parseExitEvent decodes a cn_msg carrying a proc_event; ok only for the
// exit of a thread-group leader (a process, not one of its threads).
func parseExitEvent(data []byte) (pid int, ws unix.WaitStatus, ok bool) {
	ne := binary.NativeEndian
	const ev = cnMsgSize
	if len(data) < ev+procEventHdrSize+16 || ne.Uint32(data[0:]) != cnIdxProc || ne.Uint32(data[4:]) != cnValProc {
		return 0, 0, false
	}
	if ne.Uint32(data[ev:]) != procEventExit {
		return 0, 0, false
	}
	body := data[ev+procEventHdrSize:]
	tid, tgid, code := ne.Uint32(body[0:]), ne.Uint32(body[4:]), ne.Uint32(body[8:])
	if tid != tgid {
		return 0, 0, false
	}
	return int(tgid), unix.WaitStatus(code), true
}

func (p *procExits) watch(pid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed && p.watched[pid] == nil {
		p.watched[pid] = &exitRecord{seen: make(chan struct{})}
	}
}

func (p *procExits) forget(pid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.watched, pid)
}

func (p *procExits) status(pid int, wait time.Duration) (unix.WaitStatus, bool) {
	p.mu.Lock()
	r := p.watched[pid]
	p.mu.Unlock()
	if r == nil {
		return 0, false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-r.seen:
		return r.ws, true
	case <-t.C:
		return 0, false
	}
}

// close switches the events off for this socket and stops reading.
func (p *procExits) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	if rc, err := p.f.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) {
			_ = unix.Sendto(int(fd), procControl(procCNMcastIgnore), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		})
	}
	_ = p.f.Close()
	<-p.done
}

// noExits is the exitSource when process events are unavailable.
type noExits struct{}

func (noExits) watch(int)  {}
func (noExits) forget(int) {}
func (noExits) status(int, time.Duration) (unix.WaitStatus, bool) {
	return 0, false
}
func (noExits) close() {}

// exitKind is how a container's init ended, as far as the driver can tell.
type exitKind int

const (
	exitUnknown  exitKind = iota
	exitPoweroff          // exit status 0, or SIGINT: reboot(2) halt or power-off inside a PID namespace
	exitReboot            // SIGHUP: reboot(2) restart inside a PID namespace; LXC starts the container again
	exitCrash             // a non-zero exit or any other signal: on a machine, init dying is a panic
)

func (k exitKind) String() string {
	return [...]string{"unknown", "poweroff", "reboot", "crash"}[k]
}

// classifyExit maps init's wait status to what the guest did.
func classifyExit(ws unix.WaitStatus) exitKind {
	switch {
	case ws.Exited() && ws.ExitStatus() == 0:
		return exitPoweroff
	case ws.Signaled() && ws.Signal() == unix.SIGINT:
		return exitPoweroff
	case ws.Signaled() && ws.Signal() == unix.SIGHUP:
		return exitReboot
	default:
		return exitCrash
	}
}

// exitStatusWait bounds the wait for the kernel's exit event after the
// pidfd reported the exit; the event comes first, so this is slack.
const exitStatusWait = 100 * time.Millisecond

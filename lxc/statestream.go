package lxc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// StateEvent is a container's state change, or its init's exit, as
// LXC's monitor reports it.
type StateEvent struct {
	Name string
	// State is the state a container changed to; "" for an exit.
	State State
	// Exited marks an init exit. With WaitStatus, ExitStatus is the wait
	// status LXC got from waitpid(2): a signal that ended init is in it
	// (SIGHUP after reboot(2) restarted the container, SIGINT after it
	// halted or powered it off, SIGKILL after a kill). Without, ExitStatus
	// is what lxc-monitor prints (WEXITSTATUS: a signal reads as 0).
	Exited     bool
	ExitStatus int
	WaitStatus bool
}

// ErrNoStreaming is returned by StateStream when the Runner's Execer cannot
// stream a process's output.
var ErrNoStreaming = errors.New("execer cannot stream")

// monitordWait bounds the wait for lxc-monitord's socket after lxc-monitor
// started.
const monitordWait = 2 * time.Second

// StateStream reports every state change and init exit of the containers in
// the lxcpath, in order, until ctx ends or the stream breaks; then the
// channel is closed (why it ended is logged). It runs lxc-monitor -P
// <lxcpath> -n '.*', which starts LXC's lxc-monitord for the lxcpath when
// none runs and keeps it running, and reads lxc-monitord's socket for the
// full exit statuses (see monitord.go); when that socket cannot be reached
// it parses lxc-monitor's output instead. Containers report to lxc-monitord
// only while it runs, so what happened before the call is not seen.
//
// The reader blocks while the channel is full, and LXC's containers block
// on a stalled monitor: receive promptly.
func (r *Runner) StateStream(ctx context.Context) (<-chan StateEvent, error) {
	s, ok := r.exec.(Streamer)
	if !ok {
		return nil, ErrNoStreaming
	}
	argv := []string{r.bin("lxc-monitor"), "-P", r.lxcpath, "-n", ".*"}
	if err := ctx.Err(); err != nil {
		return nil, &CommandError{Argv: argv, ExitCode: -1, Err: fmt.Errorf("not started: %w", err)}
	}
	sctx, stop := context.WithCancel(ctx)
	p, err := s.Stream(sctx, argv)
	if err != nil {
		stop()
		return nil, &CommandError{Argv: argv, ExitCode: -1, Err: err}
	}
	r.log.Debug("exec", "argv", argv, "stream", true)
	m := &stateStream{r: r, ctx: ctx, stop: stop, p: p, ch: make(chan StateEvent, 64)}
	dctx, cancel := context.WithTimeout(sctx, monitordWait)
	conn, err := r.monitord(dctx, r.lxcpath)
	cancel()
	if err != nil {
		r.log.Warn("reading lxc-monitor's output: exit signals cannot be told apart", "err", err)
		go m.text()
	} else {
		go m.socket(conn)
	}
	return m.ch, nil
}

// stateStream is one StateStream call's stream.
type stateStream struct {
	r    *Runner
	ctx  context.Context // the caller's
	stop context.CancelFunc
	p    *Proc
	ch   chan StateEvent
}

func (m *stateStream) send(ev StateEvent) {
	select {
	case m.ch <- ev:
	case <-m.ctx.Done():
	}
}

// ended logs why the stream ended unless the caller ended it.
func (m *stateStream) ended(what string, err error) {
	if m.ctx.Err() == nil {
		m.r.log.Warn("LXC monitor stream ended", "lxcpath", m.r.lxcpath, "reader", what, "err", err)
	}
}

// text parses lxc-monitor's output.
func (m *stateStream) text() {
	defer close(m.ch)
	defer m.stop()
	sc := bufio.NewScanner(m.p.Stdout)
	for sc.Scan() {
		ev, ok := ParseMonitorLine(sc.Text())
		if !ok {
			m.r.log.Debug("lxc-monitor: unparsed line", "line", sc.Text())
			continue
		}
		m.send(ev)
	}
	res, err := m.p.Wait()
	m.ended("lxc-monitor", fmt.Errorf("exit %d: %s: %w", res.ExitCode, firstLine(string(res.Stderr)), errors.Join(err, sc.Err())))
}

// socket reads lxc-monitord's records while lxc-monitor, whose output is
// drained, keeps lxc-monitord alive; either ending ends both.
func (m *stateStream) socket(conn net.Conn) {
	go func() {
		_, _ = io.Copy(io.Discard, m.p.Stdout)
		res, err := m.p.Wait()
		m.ended("lxc-monitor", fmt.Errorf("exit %d: %s: %w", res.ExitCode, firstLine(string(res.Stderr)), err))
		conn.Close()
	}()
	defer close(m.ch)
	defer m.stop()
	unblock := context.AfterFunc(m.ctx, func() { conn.Close() })
	defer unblock()
	buf := make([]byte, monitorRecordLen)
	for {
		ev, ok, err := readMonitordRecord(conn, buf)
		if err != nil {
			conn.Close()
			if !errors.Is(err, net.ErrClosed) {
				m.ended("lxc-monitord socket", err)
			}
			return
		}
		if ok {
			m.send(ev)
		}
	}
}

// ParseMonitorLine parses one line of lxc-monitor output:
//
//	'NAME' changed state to [STATE]
//	'NAME' exited with status [N]
func ParseMonitorLine(line string) (StateEvent, bool) {
	if !strings.HasPrefix(line, "'") || !strings.HasSuffix(line, "]") {
		return StateEvent{}, false
	}
	body := line[1 : len(line)-1]
	if i := strings.LastIndex(body, "' changed state to ["); i >= 0 {
		st := State(body[i+len("' changed state to ["):])
		if !st.Valid() || i == 0 {
			return StateEvent{}, false
		}
		return StateEvent{Name: body[:i], State: st}, true
	}
	if i := strings.LastIndex(body, "' exited with status ["); i > 0 {
		n, err := strconv.Atoi(body[i+len("' exited with status ["):])
		if err != nil || n < 0 {
			return StateEvent{}, false
		}
		return StateEvent{Name: body[:i], Exited: true, ExitStatus: n}, true
	}
	return StateEvent{}, false
}

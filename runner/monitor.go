package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MonitorEvent is one line lxc-monitor printed: a container changed state,
// or its init exited.
type MonitorEvent struct {
	Name string
	// State is the state a container changed to; "" for an exit.
	State State
	// Exited marks an init exit. ExitStatus is the exit status as
	// lxc-monitor prints it (WEXITSTATUS): an init killed by a signal, or
	// one that rebooted or halted the container through reboot(2), reads 0.
	Exited     bool
	ExitStatus int
}

// ErrNoStreaming is returned by Monitor when the Runner's Execer cannot
// stream a process's output.
var ErrNoStreaming = errors.New("execer cannot stream")

// Monitor runs lxc-monitor -P <lxcpath> -n '.*' and sends every event it
// prints, in order, until ctx ends or lxc-monitor exits; then the channel
// is closed (why it ended is logged). lxc-monitor starts LXC's lxc-monitord
// for the lxcpath when none runs; containers report to it only while it
// runs, so events from before the call (or from before lxc-monitor has
// connected, a few milliseconds) are not seen.
//
// The reader blocks while the channel is full, and LXC's containers block
// on a stalled monitor: receive promptly.
func (r *Runner) Monitor(ctx context.Context) (<-chan MonitorEvent, error) {
	s, ok := r.exec.(Streamer)
	if !ok {
		return nil, ErrNoStreaming
	}
	argv := []string{r.bin("lxc-monitor"), "-P", r.lxcpath, "-n", ".*"}
	if err := ctx.Err(); err != nil {
		return nil, &CommandError{Argv: argv, ExitCode: -1, Err: fmt.Errorf("not started: %w", err)}
	}
	p, err := s.Stream(ctx, argv)
	if err != nil {
		return nil, &CommandError{Argv: argv, ExitCode: -1, Err: err}
	}
	r.log.Debug("exec", "argv", argv, "stream", true)
	ch := make(chan MonitorEvent, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(p.Stdout)
		for sc.Scan() {
			ev, ok := ParseMonitorLine(sc.Text())
			if !ok {
				r.log.Debug("lxc-monitor: unparsed line", "line", sc.Text())
				continue
			}
			select {
			case ch <- ev:
			case <-ctx.Done():
			}
		}
		res, err := p.Wait()
		if ctx.Err() != nil {
			return
		}
		r.log.Warn("lxc-monitor ended", "lxcpath", r.lxcpath, "exit", res.ExitCode,
			"stderr", firstLine(string(res.Stderr)), "err", errors.Join(err, sc.Err()))
	}()
	return ch, nil
}

// ParseMonitorLine parses one line of lxc-monitor output:
//
//	'NAME' changed state to [STATE]
//	'NAME' exited with status [N]
func ParseMonitorLine(line string) (MonitorEvent, bool) {
	if !strings.HasPrefix(line, "'") || !strings.HasSuffix(line, "]") {
		return MonitorEvent{}, false
	}
	body := line[1 : len(line)-1]
	if i := strings.LastIndex(body, "' changed state to ["); i >= 0 {
		st := State(body[i+len("' changed state to ["):])
		if !st.Valid() || i == 0 {
			return MonitorEvent{}, false
		}
		return MonitorEvent{Name: body[:i], State: st}, true
	}
	if i := strings.LastIndex(body, "' exited with status ["); i > 0 {
		n, err := strconv.Atoi(body[i+len("' exited with status ["):])
		if err != nil || n < 0 {
			return MonitorEvent{}, false
		}
		return MonitorEvent{Name: body[:i], Exited: true, ExitStatus: n}, true
	}
	return MonitorEvent{}, false
}

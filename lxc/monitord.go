package lxc

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"time"
)

// lxc-monitord's socket. lxc-monitor prints an init's exit as WEXITSTATUS,
// which loses the signal that ended it — and the signal is what tells a
// reboot (SIGHUP: reboot(2) restart inside the PID namespace), a halt or
// power-off (SIGINT) and a kill (SIGKILL) apart. LXC's monitor sends the
// full wait status to lxc-monitord, which relays every message to the
// clients of an abstract unix socket; the Runner reads that socket itself
// (LXC 1.0 to 6: src/lxc/monitor.c, cmd/lxc_monitord.c):
//
//   - name: "@lxc/<FNV-1a 64 of "lxc/<lxcpath>/monitor-sock", 16 hex
//     digits>/<lxcpath>", at most 105 bytes;
//   - stream of fixed records, struct lxc_msg: int type; char
//     name[NAME_MAX+1]; int value (native byte order);
//   - type 0: state change, value an lxc_state_t; type 2: init's exit,
//     value its wait status.

const (
	monitorSockMax   = 105
	monitorNameLen   = 256 // NAME_MAX + 1
	monitorRecordLen = 4 + monitorNameLen + 4
	monitorMsgState  = 0
	monitorMsgExit   = 2
)

// lxcStates is lxc_state_t in order.
var lxcStates = []State{Stopped, Starting, Running, Stopping, Aborting, Freezing, Frozen, Thawed}

// MonitordSocket is the abstract socket address ("@…") of lxc-monitord for
// lxcpath.
func MonitordSocket(lxcpath string) (string, error) {
	h := fnv.New64a()
	h.Write([]byte("lxc/" + lxcpath + "/monitor-sock"))
	name := fmt.Sprintf("@lxc/%016x/%s", h.Sum64(), lxcpath)
	if len(name) > monitorSockMax {
		return "", fmt.Errorf("lxcpath %q too long for lxc-monitord's socket name", lxcpath)
	}
	return name, nil
}

// dialMonitord connects to lxc-monitord for lxcpath, retrying until ctx
// ends: lxc-monitor starts it in the background.
func dialMonitord(ctx context.Context, lxcpath string) (net.Conn, error) {
	name, err := MonitordSocket(lxcpath)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "unix", name)
		if err == nil {
			return c, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect to lxc-monitord %s: %w", name, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// readMonitordRecord reads one struct lxc_msg; ok is false for a record
// that is neither a known state change nor an exit.
func readMonitordRecord(r io.Reader, buf []byte) (ev StateEvent, ok bool, err error) {
	if _, err := io.ReadFull(r, buf[:monitorRecordLen]); err != nil {
		return StateEvent{}, false, err
	}
	ne := binary.NativeEndian
	typ := int32(ne.Uint32(buf[0:]))
	name := buf[4 : 4+monitorNameLen]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	value := int32(ne.Uint32(buf[4+monitorNameLen:]))
	if len(name) == 0 {
		return StateEvent{}, false, nil
	}
	switch {
	case typ == monitorMsgState && value >= 0 && int(value) < len(lxcStates):
		return StateEvent{Name: string(name), State: lxcStates[value]}, true, nil
	case typ == monitorMsgExit:
		return StateEvent{Name: string(name), Exited: true, ExitStatus: int(value), WaitStatus: true}, true, nil
	}
	return StateEvent{}, false, nil
}

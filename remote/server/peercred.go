package server

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// peerCred describes a unix-socket peer as "pid=… uid=…", or "" when the
// kernel does not say.
func peerCred(nc net.Conn) string {
	uc, ok := nc.(*net.UnixConn)
	if !ok {
		return ""
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return ""
	}
	var cred *unix.Ucred
	raw.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil || cred == nil {
		return ""
	}
	return fmt.Sprintf("pid=%d uid=%d", cred.Pid, cred.Uid)
}

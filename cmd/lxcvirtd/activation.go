package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// sdListenFDsStart is the first descriptor systemd passes (SD_LISTEN_FDS_START).
const sdListenFDsStart = 3

// systemdListeners returns the sockets systemd passed through socket
// activation (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES), or none when the
// daemon was started otherwise. A socket is read-only when its name
// (FileDescriptorName=) is "ro" or its path ends in "-ro".
func systemdListeners() ([]endpoint, error) {
	pid, err := strconv.Atoi(os.Getenv("LISTEN_PID"))
	if err != nil || pid != os.Getpid() {
		return nil, nil
	}
	n, err := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("socket activation: bad LISTEN_FDS %q", os.Getenv("LISTEN_FDS"))
	}
	names := strings.Split(os.Getenv("LISTEN_FDNAMES"), ":")
	for _, v := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
		os.Unsetenv(v)
	}
	var eps []endpoint
	for i := range n {
		fd := sdListenFDsStart + i
		syscall.CloseOnExec(fd)
		f := os.NewFile(uintptr(fd), fmt.Sprintf("systemd-socket-%d", i))
		l, err := net.FileListener(f)
		f.Close()
		if err != nil {
			closeAll(eps)
			return nil, fmt.Errorf("socket activation: descriptor %d: %w", fd, err)
		}
		ro := strings.HasSuffix(l.Addr().String(), roSuffix)
		if i < len(names) && names[i] != "" {
			ro = ro || names[i] == "ro"
		}
		eps = append(eps, endpoint{l: l, readOnly: ro})
	}
	return eps, nil
}

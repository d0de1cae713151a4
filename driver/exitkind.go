package driver

import "golang.org/x/sys/unix"

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

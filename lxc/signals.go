package lxc

import (
	"os"
	"os/signal"
	"syscall"
)

// inheritable are the signals the Go runtime leaves ignored when the
// process started with them ignored (nohup, a shell's background job);
// exec keeps an ignored signal ignored, so without this every lxc-* tool,
// and through it a container's init and its processes, would inherit them.
var inheritable = []os.Signal{syscall.SIGHUP, syscall.SIGINT}

// ResetIgnoredSignals makes the signals this process inherited as ignored
// default again for the programs it runs: it catches them (a caught signal
// is reset to its default at exec) and discards them, so this process
// still ignores them. Call it once, before running any program.
func ResetIgnoredSignals() {
	var sigs []os.Signal
	for _, s := range inheritable {
		if signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	if len(sigs) == 0 {
		return
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		for range ch {
		}
	}()
}

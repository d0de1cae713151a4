// Command lxcvirt-driver-lxc is lxcvirt's LXC domain driver as a go-plugin
// process. lxcvirtd starts it (see plugin.Supervisor) and sends it its
// settings (plugin.Server.Configure); it then opens the driver, which loads
// the definitions and re-adopts the containers that still run, and serves
// it over gRPC until the daemon stops it or goes away, with the facts of
// the host (host.Facts) for libvirt's node calls. It logs JSON lines to
// stderr, which the daemon re-logs; its stdout belongs to the go-plugin
// handshake.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/lxcvirt/lxcvirt/driver"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/host"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/plugin"
	"github.com/lxcvirt/lxcvirt/settings"
)

// Memory profiling is off: nothing reads the profile, and its records
// would take more than a megabyte over the plugin's life.
func init() { runtime.MemProfileRate = 0 }

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "%s: takes no arguments; lxcvirtd sends its settings\n", plugin.DefaultBinary)
		os.Exit(2)
	}
	lxc.ResetIgnoredSignals()
	level := new(slog.LevelVar)
	logger := plugin.NewPluginLogger(os.Stderr, level)
	err := plugin.Serve(logger, func(s settings.Settings) (driverapi.Driver, error) {
		level.Set(s.LogLevel)
		if p := s.GCPercentToApply(os.Getenv); p != 0 {
			debug.SetGCPercent(p)
		}
		l, err := driver.New(context.Background(), driverConfig(s, logger))
		if err != nil {
			return nil, err
		}
		return lxcDriver{LXC: l, Facts: host.Facts{Host: host.Local, Emulator: s.Emulator}}, nil
	})
	if errors.Is(err, plugin.ErrNotLaunchedByHost) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", plugin.DefaultBinary, err)
		os.Exit(1)
	}
	if err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
}

// lxcDriver is what the plugin serves: the LXC domain driver (with the
// namespaces of the containers' inits, driverapi.NamespaceOpener) and the
// facts of the host it runs containers on (driverapi.Host).
type lxcDriver struct {
	*driver.LXC
	host.Facts
}

// driverConfig is the LXC driver's part of s, logging to logger.
func driverConfig(s settings.Settings, logger *slog.Logger) driver.Config {
	return driver.Config{
		StateDir:          s.StateDir,
		LXCPath:           s.LXCPath,
		RunDir:            s.RunDir,
		CgroupRoot:        s.CgroupRoot,
		ShutdownGrace:     s.ShutdownGrace,
		JobTimeout:        s.JobTimeout,
		LXCTimeout:        s.LXCTimeout,
		AutostartParallel: s.AutostartParallel,
		DefaultBridge:     s.DefaultBridge,
		Networks:          s.Networks,
		Logger:            logger,
	}
}

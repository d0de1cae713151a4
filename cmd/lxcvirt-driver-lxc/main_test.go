package main

import (
	"log/slog"
	"reflect"
	"testing"

	"github.com/lxcvirt/lxcvirt/driver"
	"github.com/lxcvirt/lxcvirt/libvirtnet"
	"github.com/lxcvirt/lxcvirt/settings"
)

// TestDriverConfig: every driver setting reaches driver.Config.
func TestDriverConfig(t *testing.T) {
	s := settings.Defaults()
	s.StateDir, s.LXCPath, s.RunDir, s.CgroupRoot = "/s", "/l", "/r", "/c"
	s.ShutdownGrace, s.JobTimeout, s.LXCTimeout, s.AutostartParallel = 7, 9, 11, 3
	s.DefaultBridge, s.Networks = "br9", map[string]string{"lab": "br1"}
	s.NetworkDriver = "/run/n1-test-sock"
	log := slog.New(slog.DiscardHandler)
	want := driver.Config{StateDir: "/s", LXCPath: "/l", RunDir: "/r", CgroupRoot: "/c", ShutdownGrace: 7, JobTimeout: 9,
		LXCTimeout: 11, AutostartParallel: 3,
		DefaultBridge: "br9", Networks: map[string]string{"lab": "br1"}, Logger: log,
		Ports: &libvirtnet.Ports{Sockets: []string{"/run/n1-test-sock"}}}
	if got := driverConfig(s, log); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	s.NetworkDriver = "none"
	if got := driverConfig(s, log); got.Ports != nil {
		t.Errorf("network_driver none: ports %+v, want none", got.Ports)
	}
}

package client

import (
	"reflect"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for uri, want := range map[string]target{
		"lxc:///system?socket=/run/s":      {transport: "unix", name: "lxc:///system", socket: "/run/s"},
		"lxc+unix:///system?socket=/run/s": {transport: "unix", name: "lxc:///system", socket: "/run/s"},
		"lxc:///system":                    {transport: "unix", name: "lxc:///system", socket: DirectSocket},
		"lxc+ssh://root@h:2222/system?socket=/run/s&keyfile=/k&no_verify=1&no_tty=1&known_hosts=/kh": {
			transport: "ssh", name: "lxc:///system", socket: "/run/s", host: "h", port: "2222", user: "root",
			keyfile: "/k", noVerify: true, noTTY: true, ignored: []string{"known_hosts"}},
	} {
		got, err := parseTarget(uri)
		if err != nil {
			t.Errorf("%s: %v", uri, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", uri, got, want)
		}
	}
	for _, uri := range []string{"qemu:///system", "lxc+tcp://h/system", "lxc://h/system", "lxc+ssh://h/system?command=x", "lxc+ext:///system"} {
		if _, err := parseTarget(uri); err == nil {
			t.Errorf("%s: accepted", uri)
		}
	}
}

// TestSSHArgs checks the ssh command line against libvirt's
// (virNetSocketNewConnectSSH with the netcat proxy).
func TestSSHArgs(t *testing.T) {
	tg, err := parseTarget("lxc+ssh://root@h:2222/system?socket=/run/it's&keyfile=/k&no_verify=1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ssh", "-p", "2222", "-l", "root", "-i", "/k", "-T", "-e", "none", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "--", "h",
		`sh -c 'if '\''nc'\'' -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'\''nc'\'' $ARG -U '\''/run/it'\''\'\'''\''s'\'''`}
	if got := tg.sshArgs(); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	tg, _ = parseTarget("lxc+ssh://h/system")
	got := tg.sshArgs()
	if cmd := got[len(got)-1]; cmd != `sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then virt-ssh-helper '\''lxc:///system'\''; else if '\''nc'\'' -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'\''nc'\'' $ARG -U '\''/var/run/libvirt/libvirt-sock'\''; fi'` {
		t.Errorf("without a socket: %s", cmd)
	}
}

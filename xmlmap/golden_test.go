package xmlmap

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/xmlmap")

const goldenDir = "../testdata/xmlmap"

// testOptions are the host facts the golden files are written against:
// default bridge lxcbr0, one extra network, a fixed UUID generator, LXC's
// seccomp policy and lxcfs mounted; AppArmor is not enabled.
func testOptions(layout CgroupLayout) Options {
	return Options{
		Cgroup:         layout,
		DefaultBridge:  "lxcbr0",
		Networks:       map[string]string{"isolated": "virbr9"},
		SeccompProfile: "/usr/share/lxc/config/common.seccomp",
		LXCFS: &LXCFS{
			Dir:    "/var/lib/lxcfs",
			Proc:   []string{"uptime", "meminfo", "cpuinfo", "stat", "loadavg", "swaps", "diskstats", "slabinfo"},
			CPUDir: true,
		},
		NewUUID: func() [16]byte {
			return [16]byte{0xc7, 0xa5, 0xfd, 0xbd, 0xed, 0xaf, 0x94, 0x55, 0x92, 0x6a, 0xd6, 0x5c, 0x16, 0xdb, 0x18, 0x09}
		},
	}
}

// TestGolden maps every NAME.xml in testdata/xmlmap and compares the config
// with NAME.config and the normalised domain with NAME.out.xml. Files named
// *-v2.xml are mapped for a cgroup v2 host, the rest for cgroup v1.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join(goldenDir, "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, in := range inputs {
		if strings.HasSuffix(in, ".out.xml") {
			continue
		}
		n++
		name := strings.TrimSuffix(filepath.Base(in), ".xml")
		t.Run(name, func(t *testing.T) {
			layout := CgroupV1
			if strings.HasSuffix(name, "-v2") {
				layout = CgroupV2
			}
			text, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(text, testOptions(layout))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			out, err := FormatDomain(m.Domain)
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(goldenDir, name+".config"), m.Config.Marshal())
			compareGolden(t, filepath.Join(goldenDir, name+".out.xml"), []byte(out))

			// The normalised domain is a fixed point: mapping it again
			// gives the same config and the same XML.
			again, err := Parse([]byte(out), testOptions(layout))
			if err != nil {
				t.Fatalf("Parse(normalised): %v", err)
			}
			if got := again.Config.Marshal(); !bytes.Equal(got, m.Config.Marshal()) {
				t.Errorf("normalised domain maps differently:\n%s\nwant\n%s", got, m.Config.Marshal())
			}
			if out2, _ := FormatDomain(again.Domain); out2 != out {
				t.Errorf("normalising twice changed the XML:\n%s\nwant\n%s", out2, out)
			}
		})
	}
	if n < 5 {
		t.Fatalf("found only %d golden inputs", n)
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./xmlmap -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", filepath.Base(path), got, want)
	}
}

package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// The @acl annotations alone do not say which calls a read-only connection
// may make: libvirt's public API functions (src/libvirt*.c) refuse some of
// them with virCheckReadOnlyGoto though their @acl asks only for read
// access (virDomainSetSchedulerParameters is one). A call is read-only
// only when both allow it.
var (
	reFuncStart = regexp.MustCompile(`^(vir[A-Za-z0-9]+)\(`)
	// At the function body's top level (four spaces in): unconditional.
	// A check under a condition (virDomainGetXMLDesc's secure flags,
	// virDomainInterfaceAddresses' agent source) is the server's to make.
	reROCheck = regexp.MustCompile(`^    virCheckReadOnlyGoto\(`)
)

// readOnlyChecked returns the public APIs of the libvirt tree at src that
// refuse every read-only connection.
func readOnlyChecked(src string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(src, "src", "libvirt*.c"))
	if err != nil {
		return nil, err
	}
	checked := map[string]bool{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		err = scanReadOnlyChecks(f, checked)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return checked, nil
}

// scanReadOnlyChecks adds to checked each function defined in r whose body
// starts an unconditional virCheckReadOnlyGoto.
func scanReadOnlyChecks(r io.Reader, checked map[string]bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	fn := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case reFuncStart.MatchString(line):
			fn = reFuncStart.FindStringSubmatch(line)[1]
		case line == "}":
			fn = ""
		case fn != "" && reROCheck.MatchString(line):
			checked[fn] = true
		}
	}
	return sc.Err()
}

package lxcimport

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

const (
	// maxIncludeDepth bounds nested lxc.include (LXC's common configs go
	// two deep).
	maxIncludeDepth = 8
	// maxConfigBytes bounds what a config and its includes may add up to.
	maxConfigBytes = 1 << 20
)

// ReadConfig reads an LXC container's config as LXC does: the file's
// entries in order, each lxc.include replaced by the entries of the file
// it names, or of every *.conf file in the directory it names (in name
// order). A missing include is an error, as it is for lxc-start.
func ReadConfig(file string) (xmlmap.Config, error) {
	r := reader{}
	return r.read(file, 0)
}

type reader struct{ total int }

func (r *reader) read(file string, depth int) (xmlmap.Config, error) {
	if depth > maxIncludeDepth {
		return nil, fmt.Errorf("%s: lxc.include nested more than %d deep", file, maxIncludeDepth)
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if r.total += len(text); r.total > maxConfigBytes {
		return nil, fmt.Errorf("%s: the config and its includes exceed %d bytes", file, maxConfigBytes)
	}
	cfg, err := xmlmap.ParseConfig(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var out xmlmap.Config
	for _, e := range cfg {
		if e.Key != "lxc.include" {
			out = append(out, e)
			continue
		}
		files, err := includeFiles(e.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: lxc.include = %s: %w", file, e.Value, err)
		}
		for _, f := range files {
			inc, err := r.read(f, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, inc...)
		}
	}
	return out, nil
}

// includeFiles are the files an lxc.include names: itself, or the *.conf
// files of a directory.
func includeFiles(p string) ([]string, error) {
	if !filepath.IsAbs(p) {
		return nil, fmt.Errorf("not an absolute path")
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".conf") && len(e.Name()) > len(".conf") && !e.IsDir() {
			files = append(files, filepath.Join(p, e.Name()))
		}
	}
	slices.Sort(files)
	return files, nil
}

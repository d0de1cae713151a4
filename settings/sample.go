package settings

import (
	"strings"
)

// Syntax describes the config file, for --help and the sample file.
const Syntax = `Settings are read from the config file given with --config, in libvirt's
config syntax (as virtlxcd.conf): one "key = value" a line, values are
numbers (0 or 1 for yes or no), "strings" and lists [ "a", "b" ] that may
span lines; '#' starts a comment. Durations are whole seconds, or a string
such as "1.5s". Every key is also a flag (state_dir is --state-dir, with
the same values: --shutdown-grace 10s); flags override the file. As libvirt does, lxcvirtd ignores
keys it does not know (with a warning) and counts a key's first line only;
a malformed file or value is an error naming its line.
`

// Sample is the sample config file (dist/lxcvirtd.conf): every key,
// commented out at its default, after its documentation.
func Sample() string {
	var b strings.Builder
	b.WriteString("# lxcvirtd's config file: lxcvirtd --config /etc/lxcvirt/lxcvirtd.conf\n#\n")
	comment(&b, Syntax)
	b.WriteString("#\n# Every key is listed below at its default.\n")
	for _, k := range Keys {
		b.WriteString("\n")
		comment(&b, wrap(k.Doc, 74))
		b.WriteString("#" + k.Name + " = " + k.Default + "\n")
	}
	return b.String()
}

func comment(b *strings.Builder, text string) {
	for line := range strings.Lines(text) {
		b.WriteString(strings.TrimRight("# "+strings.TrimSuffix(line, "\n"), " ") + "\n")
	}
}

// wrap breaks text into lines of at most width bytes, between words.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		switch {
		case n == 0:
		case n+1+len(w) > width:
			b.WriteString("\n")
			n = 0
		default:
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	b.WriteString("\n")
	return b.String()
}

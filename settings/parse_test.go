package settings

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func num(n int64) Value     { return Value{Kind: Number, Num: n} }
func text(s string) Value   { return Value{Kind: String, Str: s} }
func list(v ...Value) Value { return Value{Kind: List, List: append([]Value{}, v...)} }

func TestParse(t *testing.T) {
	in := `# libvirt style
unix_sock_group = "libvirt"   # trailing comment
unix_sock_ro_perms = '0777'
max_clients = 5000; keepalive_interval = -1
  keepalive_count=+3
networks = [ "default=lxcbr0",
             'lab=br-lab',
]
empty = []
nested = [ [ 1 ], "x" ]
long = """two
lines"""
after_long = 1
x1_Y = ""` // no newline at the end
	got, err := Parse("t.conf", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{"unix_sock_group", text("libvirt"), 2},
		{"unix_sock_ro_perms", text("0777"), 3},
		{"max_clients", num(5000), 4},
		{"keepalive_interval", num(-1), 4},
		{"keepalive_count", num(3), 5},
		{"networks", list(text("default=lxcbr0"), text("lab=br-lab")), 6},
		{"empty", list(), 9},
		{"nested", list(list(num(1)), text("x")), 10},
		{"long", text("two\nlines"), 11},
		{"after_long", num(1), 13},
		{"x1_Y", text(""), 14},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	for _, blank := range []string{"", "\n\n", "# only a comment", "  \t\r\n# x\n"} {
		if e, err := Parse("b", []byte(blank)); err != nil || len(e) != 0 {
			t.Errorf("%q: %v %v", blank, e, err)
		}
	}
}

// TestParseErrors: libvirt's messages, at the line where parsing stopped.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a = 1\n_b = 2", "f:2: expecting a name"},
		{"9a = 1", "f:1: expecting a name"},
		{"a-b = 1", "f:1: expecting an assignment"},
		{"a.b = 1", "f:1: expecting an assignment"},
		{"a\n= 1", "f:1: expecting an assignment"},
		{"a = ", "f:1: expecting a value"},
		{"a = yes", "f:1: expecting a value"},
		{"a = \"x\ny\"", "f:1: unterminated string"},
		{"a = 'x", "f:1: unterminated string"},
		{"\n\na = \"\"\"x\ny", "f:4: unterminated string"},
		{"a = -", "f:1: unterminated number"},
		{"a = 99999999999999999999", "f:1: number 99999999999999999999 out of range"},
		{"a = 1 2", "f:1: expecting a separator"},
		{"a = 1 b = 2", "f:1: expecting a separator"},
		{"a = [ 1 2 ]", "f:1: expecting a separator in list"},
		{"a = [ 1,\n# comment\n 2 ]", "f:2: expecting a value"},
		{"a = [ 1,\n\n", "f:3: expecting a value"},
		{"a = [ 1\n\n", "f:3: list is not closed with ]"},
		{"a = [ , ]", "f:1: expecting a value"},
		{"a = " + strings.Repeat("[", 40), "f:1: lists nested more than 32 deep"},
	} {
		_, err := Parse("f", []byte(tc.in))
		var se *SyntaxError
		if !errors.As(err, &se) || err.Error() != tc.want {
			t.Errorf("%q: %v, want %s", tc.in, err, tc.want)
		}
	}
	if _, err := Parse("big", make([]byte, MaxFileSize+1)); err == nil {
		t.Error("a file over the size limit parsed")
	}
}

// FuzzParse: Parse never panics, and what it accepts it accepts again
// once rendered back, with the same entries.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a = 1", "a = [ \"x\", 'y', ]\nb = \"\"\"m\nl\"\"\"", "a=-1;b=+2 # c", Sample()} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse("fuzz", data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("error %v is not a located syntax error", err)
			}
			return
		}
		var src strings.Builder
		for _, e := range entries {
			src.WriteString(e.Name + " = ")
			if !render(&src, e.Value) {
				return
			}
			src.WriteString("\n")
		}
		again, err := Parse("again", []byte(src.String()))
		if err != nil {
			t.Fatalf("rendered entries do not parse: %v\n%s", err, src.String())
		}
		if len(again) != len(entries) {
			t.Fatalf("%d entries, then %d", len(entries), len(again))
		}
		for i := range again {
			if again[i].Name != entries[i].Name || !reflect.DeepEqual(again[i].Value, entries[i].Value) {
				t.Fatalf("entry %d: %+v, then %+v", i, entries[i], again[i])
			}
		}
		var s Settings
		_, _ = s.Apply("fuzz", entries)
	})
}

// render writes v in config syntax, as libvirt's virConfSaveValue does;
// false if it cannot be written (a string holding `"""`, or a newline
// and a quote of both kinds).
func render(b *strings.Builder, v Value) bool {
	switch v.Kind {
	case Number:
		b.WriteString(strconv.FormatInt(v.Num, 10))
	case String:
		switch {
		case strings.Contains(v.Str, `"""`) || strings.HasSuffix(v.Str, `"`) && strings.ContainsAny(v.Str, "\n\r'"):
			return false
		case strings.ContainsAny(v.Str, "\n\r"):
			b.WriteString(`"""` + v.Str + `"""`)
		case !strings.Contains(v.Str, `"`):
			b.WriteString(`"` + v.Str + `"`)
		case !strings.Contains(v.Str, "'"):
			b.WriteString("'" + v.Str + "'")
		default:
			b.WriteString(`"""` + v.Str + `"""`)
		}
	case List:
		b.WriteString("[ ")
		for i, e := range v.List {
			if i > 0 {
				b.WriteString(", ")
			}
			if !render(b, e) {
				return false
			}
		}
		b.WriteString(" ]")
	}
	return true
}

package settings

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// flagKind says how a flag's text becomes a config value.
type flagKind int

const (
	flagString         flagKind = iota // the text is the string
	flagBool                           // true/false/1/0 → 1 or 0; the flag alone means 1
	flagNumber                         // an integer
	flagSeconds                        // an integer (seconds) or a duration string
	flagNumberOrString                 // an integer, else the string
	flagList                           // comma-separated strings
)

func (k flagKind) value(text string) (Value, error) {
	switch k {
	case flagBool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return Value{}, fmt.Errorf("%q is not a boolean", text)
		}
		if b {
			return Value{Kind: Number, Num: 1}, nil
		}
		return Value{Kind: Number}, nil
	case flagNumber, flagSeconds, flagNumberOrString:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return Value{Kind: Number, Num: n}, nil
		}
		if k == flagNumber {
			return Value{}, fmt.Errorf("%q is not an integer", text)
		}
	case flagList:
		l := []Value{}
		if text != "" {
			for _, s := range strings.Split(text, ",") {
				l = append(l, Value{Kind: String, Str: s})
			}
		}
		return Value{Kind: List, List: l}, nil
	}
	return Value{Kind: String, Str: text}, nil
}

// fileForm shows a value of this kind in the config file; the flag
// package takes the back-quoted arg as the flag's placeholder.
func (k flagKind) fileForm(arg string) string {
	switch k {
	case flagString:
		return "\"`" + arg + "`\""
	case flagBool:
		return arg // a bool flag has no placeholder: --listen-default alone
	case flagList:
		return "[ \"" + arg + "\", … ]"
	}
	return "`" + arg + "`"
}

// Flags are the values given on the command line, to be applied over the
// config file.
type Flags struct {
	set []flagValue
}

type flagValue struct {
	key *Key
	v   Value
}

// RegisterFlags defines a flag on fs for every key (state_dir is
// --state-dir). A flag's value is checked when it is parsed; Apply sets it.
func RegisterFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	for i := range Keys {
		k := &Keys[i]
		usage := k.Doc + "\nconfig file: " + k.Name + " = " + k.kind.fileForm(k.Arg) + " (default " + k.Default + ")"
		if k.kind == flagList {
			usage += "; on the command line: `" + k.Arg + ",…`"
		}
		parse := func(text string) error {
			v, err := k.kind.value(text)
			if err == nil {
				var scratch Settings
				err = k.set(&scratch, v)
			}
			if err != nil {
				return err
			}
			f.set = append(f.set, flagValue{k, v})
			return nil
		}
		if k.kind == flagBool {
			fs.BoolFunc(k.Flag(), usage, parse)
		} else {
			fs.Func(k.Flag(), usage, parse)
		}
	}
	return f
}

// Apply sets the flags' values on s, in command-line order.
func (f *Flags) Apply(s *Settings) error {
	for _, fv := range f.set {
		if err := fv.key.set(s, fv.v); err != nil {
			return fmt.Errorf("--%s: %w", fv.key.Flag(), err)
		}
	}
	return nil
}

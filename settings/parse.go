package settings

import (
	"bytes"
	"fmt"
	"strconv"
)

// Kind is the type of a config value, as libvirt's virconf has them.
type Kind int

// The value kinds: a number ([+-]digits), a string ("…", '…' or """…"""),
// and a list of values ([ a, b ]).
const (
	Number Kind = iota + 1
	String
	List
)

func (k Kind) String() string {
	switch k {
	case Number:
		return "number"
	case String:
		return "string"
	case List:
		return "list"
	}
	return "value"
}

// Value is one parsed config value.
type Value struct {
	Kind Kind
	Num  int64
	Str  string
	List []Value
}

// Entry is one "name = value" statement of a config file.
type Entry struct {
	Name  string
	Value Value
	Line  int // where the statement starts, from 1
}

// SyntaxError is a malformed config file, located as libvirt locates it.
type SyntaxError struct {
	File string
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Limits on what Parse accepts (libvirt reads at most 10 MiB of config).
const (
	MaxFileSize  = 10 << 20
	maxListDepth = 32
)

// Parse reads config text in libvirt's syntax (src/util/virconf.c, as
// libvirtd.conf and virtlxcd.conf use it): statements "name = value"
// separated by newlines or ';', names of ASCII letters, digits and '_'
// starting with a letter, '#' comments to the end of the line (not inside
// lists), single-line strings in double or single quotes without escapes,
// multi-line strings in triple double quotes, decimal integers with an
// optional sign, and lists of values in brackets, which may span lines
// and end with a comma. file names the input in errors.
func Parse(file string, data []byte) ([]Entry, error) {
	if len(data) > MaxFileSize {
		return nil, &SyntaxError{file, 1, fmt.Sprintf("larger than %d bytes", MaxFileSize)}
	}
	p := &parser{file: file, s: data, line: 1}
	var entries []Entry
	for {
		p.skipBlanksAndEOL()
		if p.eof() {
			return entries, nil
		}
		if p.peek() == '#' {
			p.skipComment()
			continue
		}
		e, err := p.statement()
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
		if err := p.separator(); err != nil {
			return nil, err
		}
	}
}

type parser struct {
	file string
	s    []byte
	pos  int
	line int
}

func (p *parser) eof() bool { return p.pos >= len(p.s) }

// peek returns the current byte, or 0 at the end.
func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.pos]
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{p.file, p.line, fmt.Sprintf(format, args...)}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
func isEOL(c byte) bool   { return c == '\n' || c == '\r' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (p *parser) skipBlanks() {
	for !p.eof() && isBlank(p.peek()) {
		p.pos++
	}
}

func (p *parser) skipBlanksAndEOL() {
	for !p.eof() && (isBlank(p.peek()) || isEOL(p.peek())) {
		if p.peek() == '\n' {
			p.line++
		}
		p.pos++
	}
}

func (p *parser) skipComment() {
	for !p.eof() && !isEOL(p.peek()) {
		p.pos++
	}
}

func (p *parser) statement() (Entry, error) {
	e := Entry{Line: p.line}
	start := p.pos
	if !isAlpha(p.peek()) {
		return e, p.errorf("expecting a name")
	}
	for !p.eof() && (isAlpha(p.peek()) || isDigit(p.peek()) || p.peek() == '_') {
		p.pos++
	}
	e.Name = string(p.s[start:p.pos])
	p.skipBlanks()
	if p.peek() != '=' {
		return e, p.errorf("expecting an assignment")
	}
	p.pos++
	var err error
	if e.Value, err = p.value(0); err != nil {
		return e, err
	}
	p.skipBlanks()
	if p.peek() == '#' {
		p.skipComment()
	}
	return e, nil
}

// separator ends a statement: the end of the input, a newline or ';'.
func (p *parser) separator() error {
	p.skipBlanks()
	switch {
	case p.eof():
	case isEOL(p.peek()):
		p.skipBlanksAndEOL()
	case p.peek() == ';':
		p.pos++
		p.skipBlanksAndEOL()
	default:
		return p.errorf("expecting a separator")
	}
	return nil
}

func (p *parser) value(depth int) (Value, error) {
	p.skipBlanks()
	switch c := p.peek(); {
	case p.eof():
		return Value{}, p.errorf("expecting a value")
	case c == '"' || c == '\'':
		s, err := p.str()
		return Value{Kind: String, Str: s}, err
	case c == '[':
		if depth >= maxListDepth {
			return Value{}, p.errorf("lists nested more than %d deep", maxListDepth)
		}
		l, err := p.list(depth + 1)
		return Value{Kind: List, List: l}, err
	case isDigit(c) || c == '-' || c == '+':
		n, err := p.number()
		return Value{Kind: Number, Num: n}, err
	}
	return Value{}, p.errorf("expecting a value")
}

func (p *parser) str() (string, error) {
	if bytes.HasPrefix(p.s[p.pos:], []byte(`"""`)) {
		p.pos += 3
		start := p.pos
		for !p.eof() && !bytes.HasPrefix(p.s[p.pos:], []byte(`"""`)) {
			if p.s[p.pos] == '\n' {
				p.line++
			}
			p.pos++
		}
		if p.eof() {
			return "", p.errorf("unterminated string")
		}
		s := string(p.s[start:p.pos])
		p.pos += 3
		return s, nil
	}
	quote := p.peek()
	p.pos++
	start := p.pos
	for !p.eof() && p.peek() != quote && !isEOL(p.peek()) {
		p.pos++
	}
	if p.peek() != quote {
		return "", p.errorf("unterminated string")
	}
	s := string(p.s[start:p.pos])
	p.pos++
	return s, nil
}

func (p *parser) list(depth int) ([]Value, error) {
	p.pos++ // '['
	p.skipBlanksAndEOL()
	l := []Value{}
	if !p.eof() && p.peek() != ']' {
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
		p.skipBlanksAndEOL()
	}
	for !p.eof() && p.peek() != ']' {
		if p.peek() != ',' {
			return nil, p.errorf("expecting a separator in list")
		}
		p.pos++
		p.skipBlanksAndEOL()
		if p.peek() == ']' {
			break
		}
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
		p.skipBlanksAndEOL()
	}
	if p.peek() != ']' {
		return nil, p.errorf("list is not closed with ]")
	}
	p.pos++
	return l, nil
}

func (p *parser) number() (int64, error) {
	start := p.pos
	if c := p.peek(); c == '-' || c == '+' {
		p.pos++
	}
	if !isDigit(p.peek()) {
		return 0, p.errorf("unterminated number")
	}
	for !p.eof() && isDigit(p.peek()) {
		p.pos++
	}
	n, err := strconv.ParseInt(string(p.s[start:p.pos]), 10, 64)
	if err != nil {
		return 0, p.errorf("number %s out of range", p.s[start:p.pos])
	}
	return n, nil
}

// Package proto is libvirt's RPC procedure table: the REMOTE, LXC and
// KEEPALIVE programs' procedure numbers, payload types (go-libvirt's
// generated structs), access annotations, and a typed Handlers struct whose
// dispatch switch is generated from libvirt's .x files (procedures.gen.go).
package proto

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// Procedure describes one procedure of an RPC program.
type Procedure struct {
	Program uint32
	Number  int32
	Name    string // libvirt's enum name, e.g. REMOTE_PROC_DOMAIN_CREATE
	API     string // the public API it serves, e.g. virDomainCreate

	// Args, Ret and Msg are the payload types (nil when there is none):
	// the call's arguments, the reply's result, and an event message's body.
	Args, Ret, Msg reflect.Type

	HighPriority bool // libvirt's @priority: high (never blocks on a domain)
	ReadOnly     bool // allowed on a read-only connection (its @acl rules only read)
	Stream       bool // opens a data stream
	Unmapped     bool // a payload has no Go type; the call cannot be served
}

// ArrayLimit bounds a variable-length array field, as the .x file does.
type ArrayLimit struct {
	Type  reflect.Type
	Field string
	Max   int
}

type key struct {
	program uint32
	number  int32
}

var index = func() map[key]*Procedure {
	m := make(map[key]*Procedure, len(procedures))
	for i := range procedures {
		p := &procedures[i]
		m[key{p.Program, p.Number}] = p
	}
	return m
}()

func init() {
	for _, l := range arrayLimits {
		wire.RegisterLimit(l.Type, l.Field, l.Max)
	}
}

// Lookup finds a procedure by program and number.
func Lookup(program uint32, number int32) (*Procedure, bool) {
	p, ok := index[key{program, number}]
	return p, ok
}

// Procedures returns every known procedure, by program then number.
func Procedures() []Procedure { return append([]Procedure(nil), procedures...) }

// Invoker runs one call: it decodes the payload, calls the handler and
// returns the result to encode (nil for procedures that return nothing).
type Invoker[C any] func(ctx context.Context, c C, payload []byte) (any, error)

// Invoker returns the invoker of a procedure's handler, or nil when the
// procedure is unknown or has no handler.
func (h *Handlers[C]) Invoker(program uint32, number int32) Invoker[C] {
	return h.invoker(program, number)
}

// DecodeError is a call payload that does not decode as the procedure's
// arguments.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string { return fmt.Sprintf("decode arguments: %v", e.Err) }
func (e *DecodeError) Unwrap() error { return e.Err }

// ErrNilResult is returned when a handler returns neither a result nor an
// error.
var ErrNilResult = errors.New("handler returned no result")

func decode[A any](payload []byte) (*A, error) {
	a := new(A)
	if err := wire.Unmarshal(payload, a); err != nil {
		return nil, &DecodeError{Err: err}
	}
	return a, nil
}

func result[R any](r *R, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, ErrNilResult
	}
	return r, nil
}

func bindArgsRet[C, A, R any](f func(context.Context, C, *A) (*R, error)) Invoker[C] {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, c C, payload []byte) (any, error) {
		a, err := decode[A](payload)
		if err != nil {
			return nil, err
		}
		return result(f(ctx, c, a))
	}
}

func bindArgs[C, A any](f func(context.Context, C, *A) error) Invoker[C] {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, c C, payload []byte) (any, error) {
		a, err := decode[A](payload)
		if err != nil {
			return nil, err
		}
		return nil, f(ctx, c, a)
	}
}

func bindRet[C, R any](f func(context.Context, C) (*R, error)) Invoker[C] {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, c C, payload []byte) (any, error) {
		if len(payload) != 0 {
			return nil, &DecodeError{Err: wire.ErrTrailing}
		}
		return result(f(ctx, c))
	}
}

func bindNone[C any](f func(context.Context, C) error) Invoker[C] {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, c C, payload []byte) (any, error) {
		if len(payload) != 0 {
			return nil, &DecodeError{Err: wire.ErrTrailing}
		}
		return nil, f(ctx, c)
	}
}

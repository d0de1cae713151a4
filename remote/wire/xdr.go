package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	xdr "github.com/davecgh/go-xdr/xdr2"
	libvirt "github.com/digitalocean/go-libvirt"
)

// The XDR codec walks go-libvirt's generated payload types with reflection
// and codes every primitive with xdr2. It adds what libvirt's rpcgen code
// enforces and xdr2 cannot know: optional values (go-libvirt's OptXxx
// slices) hold at most one element, strings are at most StringMax bytes,
// bounded arrays respect their .x bound (RegisterLimit), and the
// remote_typed_param_value union (typedparam.go).

// StringMax is the longest string a payload may carry (VIR_NET_MESSAGE_STRING_MAX).
const StringMax = MessageStringMax

// CodecError is a payload that does not match its XDR type.
type CodecError struct {
	Type reflect.Type
	Err  error
}

func (e *CodecError) Error() string { return fmt.Sprintf("xdr %v: %v", e.Type, e.Err) }
func (e *CodecError) Unwrap() error { return e.Err }

// Codec failures.
var (
	ErrShortPayload    = errors.New("payload ends early")
	ErrTrailing        = errors.New("trailing bytes after the payload")
	ErrStringTooLong   = fmt.Errorf("string longer than %d bytes", StringMax)
	ErrArrayTooLong    = errors.New("array longer than its limit")
	ErrOptionalTooMany = errors.New("optional value with more than one element")
	ErrUnsupported     = errors.New("type has no XDR encoding")
)

var (
	limitsMu sync.RWMutex
	limits   = map[reflect.Type]map[int]int{} // struct type → field index → max length
)

// RegisterLimit records that field of struct type t holds at most max
// elements (an .x declaration such as "domains<REMOTE_DOMAIN_LIST_MAX>").
// It panics when t has no such field: limits come from generated code.
func RegisterLimit(t reflect.Type, field string, max int) {
	f, ok := t.FieldByName(field)
	if !ok || len(f.Index) != 1 {
		panic(fmt.Sprintf("wire: %v has no field %s", t, field))
	}
	limitsMu.Lock()
	defer limitsMu.Unlock()
	if limits[t] == nil {
		limits[t] = map[int]int{}
	}
	limits[t][f.Index[0]] = max
}

func limitOf(t reflect.Type, field int) (int, bool) {
	limitsMu.RLock()
	defer limitsMu.RUnlock()
	m, ok := limits[t][field]
	return m, ok
}

// isOptional reports whether a slice type models an XDR optional
// ("remote_string" is go-libvirt's OptString []string).
func isOptional(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && strings.HasPrefix(t.Name(), "Opt")
}

var typedParamValue = reflect.TypeFor[libvirt.TypedParamValue]()

// Marshal encodes v (a go-libvirt payload struct or pointer to one).
// A nil v encodes as an empty payload.
func Marshal(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	e := encoder{x: xdr.NewEncoder(&buf)}
	rv := reflect.ValueOf(v)
	if err := e.value(rv, -1); err != nil {
		return nil, &CodecError{Type: rv.Type(), Err: err}
	}
	return buf.Bytes(), nil
}

// Unmarshal decodes data into v, a pointer to a payload struct. It fails on
// data left over after the value.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &CodecError{Type: rv.Type(), Err: errors.New("need a non-nil pointer")}
	}
	r := bytes.NewReader(data)
	d := decoder{data: data, r: r, x: xdr.NewDecoderLimited(r, StringMax)}
	if err := d.value(rv.Elem(), -1); err != nil {
		return &CodecError{Type: rv.Type(), Err: err}
	}
	if r.Len() != 0 {
		return &CodecError{Type: rv.Type(), Err: ErrTrailing}
	}
	return nil
}

type encoder struct{ x *xdr.Encoder }

// value encodes v; max bounds its length when v is a bounded array field
// (-1: no field bound).
func (e *encoder) value(v reflect.Value, max int) error {
	var err error
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return fmt.Errorf("nil %v", v.Type())
		}
		return e.value(v.Elem(), max)
	case reflect.Bool:
		_, err = e.x.EncodeBool(v.Bool())
	case reflect.Int8, reflect.Int16, reflect.Int32:
		_, err = e.x.EncodeInt(int32(v.Int()))
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		_, err = e.x.EncodeUint(uint32(v.Uint()))
	case reflect.Int64:
		_, err = e.x.EncodeHyper(v.Int())
	case reflect.Uint64:
		_, err = e.x.EncodeUhyper(v.Uint())
	case reflect.Float32:
		_, err = e.x.EncodeFloat(float32(v.Float()))
	case reflect.Float64:
		_, err = e.x.EncodeDouble(v.Float())
	case reflect.String:
		if v.Len() > StringMax {
			return ErrStringTooLong
		}
		_, err = e.x.EncodeString(v.String())
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			_, err = e.x.EncodeFixedOpaque(b)
			break
		}
		for i := range v.Len() {
			if err := e.value(v.Index(i), -1); err != nil {
				return err
			}
		}
	case reflect.Slice:
		return e.slice(v, max)
	case reflect.Struct:
		if v.Type() == typedParamValue {
			return e.typedParamValue(v.Interface().(libvirt.TypedParamValue))
		}
		for i := range v.NumField() {
			m, ok := limitOf(v.Type(), i)
			if !ok {
				m = -1
			}
			if err := e.value(v.Field(i), m); err != nil {
				return fmt.Errorf("%s: %w", v.Type().Field(i).Name, err)
			}
		}
	default:
		return fmt.Errorf("%v: %w", v.Type(), ErrUnsupported)
	}
	return err
}

func (e *encoder) slice(v reflect.Value, max int) error {
	n := v.Len()
	switch {
	case isOptional(v.Type()) && n > 1:
		return ErrOptionalTooMany
	case max >= 0 && n > max:
		return fmt.Errorf("%w: %d > %d", ErrArrayTooLong, n, max)
	}
	if v.Type().Elem().Kind() == reflect.Uint8 {
		_, err := e.x.EncodeOpaque(v.Bytes())
		return err
	}
	if _, err := e.x.EncodeUint(uint32(n)); err != nil {
		return err
	}
	for i := range n {
		if err := e.value(v.Index(i), -1); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

type decoder struct {
	data []byte
	r    *bytes.Reader
	x    *xdr.Decoder
}

// length peeks at the next 4-byte count without consuming it and checks that
// the payload can hold count items of at least unit bytes each.
func (d *decoder) length(unit int) (int, error) {
	off := len(d.data) - d.r.Len()
	if d.r.Len() < 4 {
		return 0, ErrShortPayload
	}
	n := binary.BigEndian.Uint32(d.data[off:])
	if uint64(n)*uint64(unit) > uint64(d.r.Len()-4) {
		return 0, fmt.Errorf("%w: %d items announced", ErrShortPayload, n)
	}
	return int(n), nil
}

func (d *decoder) value(v reflect.Value, max int) error {
	var err error
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.value(v.Elem(), max)
	case reflect.Bool:
		var b bool
		b, _, err = d.x.DecodeBool()
		v.SetBool(b)
	case reflect.Int8, reflect.Int16, reflect.Int32:
		var i int32
		i, _, err = d.x.DecodeInt()
		v.SetInt(int64(i))
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		var u uint32
		u, _, err = d.x.DecodeUint()
		v.SetUint(uint64(u))
	case reflect.Int64:
		var i int64
		i, _, err = d.x.DecodeHyper()
		v.SetInt(i)
	case reflect.Uint64:
		var u uint64
		u, _, err = d.x.DecodeUhyper()
		v.SetUint(u)
	case reflect.Float32:
		var f float32
		f, _, err = d.x.DecodeFloat()
		v.SetFloat(float64(f))
	case reflect.Float64:
		var f float64
		f, _, err = d.x.DecodeDouble()
		v.SetFloat(f)
	case reflect.String:
		var s string
		if s, err = d.str(); err == nil {
			v.SetString(s)
		}
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			var b []byte
			b, _, err = d.x.DecodeFixedOpaque(int32(v.Len()))
			reflect.Copy(v, reflect.ValueOf(b))
			break
		}
		for i := range v.Len() {
			if err := d.value(v.Index(i), -1); err != nil {
				return err
			}
		}
	case reflect.Slice:
		return d.slice(v, max)
	case reflect.Struct:
		if v.Type() == typedParamValue {
			tv, err := d.typedParamValue()
			if err == nil {
				v.Set(reflect.ValueOf(tv))
			}
			return err
		}
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				return fmt.Errorf("%v.%s: unexported: %w", v.Type(), v.Type().Field(i).Name, ErrUnsupported)
			}
			m, ok := limitOf(v.Type(), i)
			if !ok {
				m = -1
			}
			if err := d.value(v.Field(i), m); err != nil {
				return fmt.Errorf("%s: %w", v.Type().Field(i).Name, err)
			}
		}
	default:
		return fmt.Errorf("%v: %w", v.Type(), ErrUnsupported)
	}
	if xdr.IsIO(err) {
		return ErrShortPayload
	}
	return err
}

func (d *decoder) str() (string, error) {
	n, err := d.length(1)
	if err != nil {
		return "", err
	}
	if n > StringMax {
		return "", ErrStringTooLong
	}
	s, _, err := d.x.DecodeString()
	return s, err
}

func (d *decoder) slice(v reflect.Value, max int) error {
	if isOptional(v.Type()) {
		return d.optional(v)
	}
	elem := v.Type().Elem()
	unit := 4 // every XDR item but opaque bytes takes at least 4 bytes
	if elem.Kind() == reflect.Uint8 {
		unit = 1
	}
	n, err := d.length(unit)
	if err != nil {
		return err
	}
	switch {
	case max >= 0 && n > max:
		return fmt.Errorf("%w: %d > %d", ErrArrayTooLong, n, max)
	case elem.Kind() != reflect.Uint8 && n > StringMax:
		return fmt.Errorf("%w: %d items", ErrArrayTooLong, n)
	}
	if elem.Kind() == reflect.Uint8 {
		b, _, err := d.x.DecodeOpaque()
		if err != nil {
			return err
		}
		v.SetBytes(b)
		return nil
	}
	if _, _, err := d.x.DecodeUint(); err != nil {
		return err
	}
	if n == 0 {
		v.SetZero()
		return nil
	}
	s := reflect.MakeSlice(v.Type(), n, n)
	for i := range n {
		if err := d.value(s.Index(i), -1); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	v.Set(s)
	return nil
}

// optional decodes an XDR optional ("type *name"): a flag, then the value
// when the flag is set. Like rpcgen's xdr_bool, any non-zero flag means
// present; go-libvirt's client sends 0x01000000.
func (d *decoder) optional(v reflect.Value) error {
	flag, _, err := d.x.DecodeUint()
	if err != nil {
		return ErrShortPayload
	}
	if flag == 0 {
		v.SetZero()
		return nil
	}
	s := reflect.MakeSlice(v.Type(), 1, 1)
	if err := d.value(s.Index(0), -1); err != nil {
		return err
	}
	v.Set(s)
	return nil
}

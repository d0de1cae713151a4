package wire

import (
	"fmt"
	"reflect"

	libvirt "github.com/digitalocean/go-libvirt"
)

// Typed parameter kinds: the discriminant of remote_typed_param_value
// (virTypedParameterType).
const (
	ParamInt     = 1
	ParamUint    = 2
	ParamLLong   = 3
	ParamULLong  = 4
	ParamDouble  = 5
	ParamBoolean = 6 // an int32, 0 or 1
	ParamString  = 7
)

// paramArms maps each discriminant to the Go type of its union arm, the
// types go-libvirt's NewTypedParamValueXxx constructors store.
var paramArms = map[uint32]reflect.Type{
	ParamInt:     reflect.TypeFor[int32](),
	ParamUint:    reflect.TypeFor[uint32](),
	ParamLLong:   reflect.TypeFor[int64](),
	ParamULLong:  reflect.TypeFor[uint64](),
	ParamDouble:  reflect.TypeFor[float64](),
	ParamBoolean: reflect.TypeFor[int32](),
	ParamString:  reflect.TypeFor[string](),
}

// typedParamValue encodes the union: the discriminant, then the arm, which
// must hold the Go type the discriminant names.
func (e *encoder) typedParamValue(tv libvirt.TypedParamValue) error {
	arm, ok := paramArms[tv.D]
	if !ok {
		return fmt.Errorf("typed parameter kind %d: %w", tv.D, ErrUnsupported)
	}
	if reflect.TypeOf(tv.I) != arm {
		return fmt.Errorf("typed parameter kind %d holds a %T, want %v", tv.D, tv.I, arm)
	}
	if _, err := e.x.EncodeUint(tv.D); err != nil {
		return err
	}
	return e.value(reflect.ValueOf(tv.I), -1)
}

func (d *decoder) typedParamValue() (libvirt.TypedParamValue, error) {
	kind, _, err := d.x.DecodeUint()
	if err != nil {
		return libvirt.TypedParamValue{}, ErrShortPayload
	}
	arm, ok := paramArms[kind]
	if !ok {
		return libvirt.TypedParamValue{}, fmt.Errorf("typed parameter kind %d: %w", kind, ErrUnsupported)
	}
	v := reflect.New(arm).Elem()
	if err := d.value(v, -1); err != nil {
		return libvirt.TypedParamValue{}, err
	}
	return libvirt.TypedParamValue{D: kind, I: v.Interface()}, nil
}

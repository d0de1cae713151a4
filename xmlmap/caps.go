package xmlmap

import (
	"reflect"
	"strings"

	"libvirt.org/go/libvirtxml"
)

var capType = reflect.TypeFor[libvirtxml.DomainFeatureCapabilities]()

// capFieldName maps a libvirtxml capability field to its lower-case Linux
// name without CAP_ (which is what lxc.cap.* takes).
func capFieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
	return strings.ToLower(name)
}

// capNames lists every capability libvirt knows, sorted as libvirtxml
// declares them (alphabetically).
func capNames() []string {
	var names []string
	for i := range capType.NumField() {
		if f := capType.Field(i); f.Type == reflect.TypeFor[*libvirtxml.DomainFeatureCapability]() {
			names = append(names, capFieldName(f))
		}
	}
	return names
}

// capStates validates <capabilities> and returns its policy ("default" when
// absent) and the per-capability states ("on"/"off") it sets.
func capStates(c *libvirtxml.DomainFeatureCapabilities) (string, map[string]string, error) {
	states := map[string]string{}
	if c == nil {
		return "default", states, nil
	}
	policy := c.Policy
	switch policy {
	case "":
		policy = "default"
	case "default", "allow", "deny":
	default:
		return "", nil, xmlErr("<capabilities policy='%s'>: expected default, allow or deny", policy)
	}
	v := reflect.ValueOf(c).Elem()
	for i := range capType.NumField() {
		f := capType.Field(i)
		p, ok := v.Field(i).Interface().(*libvirtxml.DomainFeatureCapability)
		if !ok || p == nil {
			continue
		}
		switch p.State {
		case "on", "off":
			states[capFieldName(f)] = p.State
		case "":
			states[capFieldName(f)] = "on"
		default:
			return "", nil, xmlErr("<capabilities><%s state='%s'>: expected on or off", capFieldName(f), p.State)
		}
	}
	return policy, states, nil
}

// setCap records a capability state in c by Linux name; false when the
// name is unknown.
func setCap(c *libvirtxml.DomainFeatureCapabilities, name, state string) bool {
	v := reflect.ValueOf(c).Elem()
	for i := range capType.NumField() {
		f := capType.Field(i)
		if f.Type == reflect.TypeFor[*libvirtxml.DomainFeatureCapability]() && capFieldName(f) == name {
			v.Field(i).Set(reflect.ValueOf(&libvirtxml.DomainFeatureCapability{State: state}))
			return true
		}
	}
	return false
}

// forEachSetField calls fn with the name of every non-nil pointer field of
// the struct *v.
func forEachSetField(v any, fn func(field string)) {
	rv := reflect.Indirect(reflect.ValueOf(v))
	for i := range rv.NumField() {
		if f := rv.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			fn(rv.Type().Field(i).Name)
		}
	}
}

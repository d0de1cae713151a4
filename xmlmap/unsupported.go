package xmlmap

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// refuseOthers returns ErrConfigUnsupported naming the first field of the
// struct v (or pointer to one) that is set but not listed in allowed. It is
// how the mapping refuses, rather than drops, every part of libvirt's
// schema it does not honour: what is not explicitly handled is refused.
// where is the enclosing element's name, used in the message.
func refuseOthers(where string, v any, allowed ...string) error {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if !rv.IsValid() {
		return nil
	}
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Name == "XMLName" || slices.Contains(allowed, f.Name) || rv.Field(i).IsZero() {
			continue
		}
		name, attr := xmlName(f)
		switch {
		case attr:
			return unsupported("attribute '%s' of <%s> is not supported by the LXC driver", name, where)
		case where == "devices":
			return unsupported("<%s> devices are not supported by the LXC driver", name)
		default:
			return unsupported("<%s> in <%s> is not supported by the LXC driver", name, where)
		}
	}
	return nil
}

// xmlName returns the element or attribute name of a libvirtxml field.
// Namespaced extension elements (no tag of their own) are named from their
// type's XMLName, prefixed like "lxc:namespace".
func xmlName(f reflect.StructField) (name string, attr bool) {
	tag := f.Tag.Get("xml")
	name, opts, _ := strings.Cut(tag, ",")
	if name != "" && name != "-" {
		return name, strings.Contains(opts, "attr")
	}
	t := f.Type
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		if xn, ok := t.FieldByName("XMLName"); ok {
			space, local, found := strings.Cut(xn.Tag.Get("xml"), " ")
			if found {
				return nsPrefix(space) + local, false
			}
			if space != "" {
				return space, false
			}
		}
	}
	return strings.ToLower(f.Name), false
}

// nsPrefix turns "http://libvirt.org/schemas/domain/lxc/1.0" into "lxc:".
func nsPrefix(space string) string {
	parts := strings.Split(strings.TrimSuffix(space, "/"), "/")
	if len(parts) >= 2 {
		return fmt.Sprintf("%s:", parts[len(parts)-2])
	}
	return ""
}

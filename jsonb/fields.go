package jsonb

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// field is one member of a struct as it appears on the wire.
type field struct {
	name      string
	index     []int // reflect index path, through embedded structs
	omitEmpty bool
	tagged    bool // the name came from a json tag
	depth     int
}

type structInfo struct {
	fields []field
	byName map[string]int
}

var structCache sync.Map // reflect.Type -> *structInfo

// cachedStruct returns the member layout of struct type t: exported
// fields named by their `json:"Name"` tag or Go name, `-` skipped,
// embedded structs flattened (the Mesh schemas use inheritance). As in
// encoding/json, a shallower field hides a deeper one of the same name and
// equally deep duplicates cancel out unless exactly one is tagged.
func cachedStruct(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	var all []field
	collectFields(t, nil, 0, map[reflect.Type]bool{t: true}, &all)
	slices.SortStableFunc(all, func(a, b field) int {
		return cmp.Or(strings.Compare(a.name, b.name), cmp.Compare(a.depth, b.depth))
	})
	si := &structInfo{byName: map[string]int{}}
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		if f, ok := dominant(all[i:j]); ok {
			si.fields = append(si.fields, f)
		}
		i = j
	}
	slices.SortFunc(si.fields, func(a, b field) int { return slices.Compare(a.index, b.index) })
	for i, f := range si.fields {
		si.byName[f.name] = i
	}
	actual, _ := structCache.LoadOrStore(t, si)
	return actual.(*structInfo)
}

// dominant picks the field that wins among fields of one name, sorted by
// depth.
func dominant(fs []field) (field, bool) {
	if len(fs) == 1 || fs[0].depth < fs[1].depth {
		return fs[0], true
	}
	var win []field
	for _, f := range fs {
		if f.depth == fs[0].depth && f.tagged {
			win = append(win, f)
		}
	}
	if len(win) == 1 {
		return win[0], true
	}
	return field{}, false
}

func collectFields(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool, out *[]field) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(slices.Clone(index), i)
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && !isLeafStruct(ft) {
				if sf.Type.Kind() == reflect.Pointer && !sf.IsExported() {
					continue // cannot allocate through an unexported pointer
				}
				if !seen[ft] {
					seen[ft] = true
					collectFields(ft, idx, depth+1, seen, out)
					delete(seen, ft)
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		f := field{name: name, index: idx, depth: depth, tagged: name != ""}
		if name == "" {
			f.name = sf.Name
		}
		for _, o := range strings.Split(opts, ",") {
			if o == "omitempty" {
				f.omitEmpty = true
			}
		}
		*out = append(*out, f)
	}
}

// isLeafStruct reports struct types encoded as a single value.
func isLeafStruct(t reflect.Type) bool { return t == timeType }

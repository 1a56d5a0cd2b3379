package v1alpha1

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// DecodeProblemAnnotation is set, in memory only, on an object whose stored spec holds
// a value its Go type cannot take (an integer beyond int32, stored before the schema
// had bounds or by a client that bypassed them). The object is decoded without those
// values, so a list of its kind still decodes and every other object keeps being
// reconciled; the controller refuses this one and names the fields to fix.
const DecodeProblemAnnotation = "toolhive.stacklok.dev/decode-problem"

// DecodeProblem returns the fields that could not be decoded, or "".
func DecodeProblem(o metav1.Object) string {
	return o.GetAnnotations()[DecodeProblemAnnotation]
}

// maxDecodeRepairs bounds the fields dropped from one object.
const maxDecodeRepairs = 32

// decodeTolerant decodes data into obj like the apiserver codec does; when only some
// fields have the wrong type it drops those, decodes the rest and records them in
// DecodeProblemAnnotation of meta (read after decoding).
func decodeTolerant(data []byte, obj any, meta *metav1.ObjectMeta) error {
	err := utiljson.Unmarshal(data, obj)
	if _, ok := typeErrorField(err); !ok {
		return err
	}
	var doc map[string]any
	if jerr := utiljson.Unmarshal(data, &doc); jerr != nil {
		return err
	}
	var problems []string
	for i := 0; i < maxDecodeRepairs && err != nil; i++ {
		field, ok := typeErrorField(err)
		if !ok {
			return err
		}
		removed := dropPath(doc, strings.Split(field, "."), field, &problems)
		if !removed {
			return err
		}
		fixed, merr := utiljson.Marshal(doc)
		if merr != nil {
			return err
		}
		// A failed decode leaves partly set fields behind: start from zero each time.
		reflect.ValueOf(obj).Elem().SetZero()
		err = utiljson.Unmarshal(fixed, obj)
	}
	if err != nil {
		return err
	}
	sort.Strings(problems)
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[DecodeProblemAnnotation] = strings.Join(problems, "; ")
	return nil
}

// typeErrorRE reads the field path out of a type error of sigs.k8s.io/json (the
// apiserver codec's decoder), whose error type is internal to that module.
var typeErrorRE = regexp.MustCompile(`^json: cannot unmarshal .+? into Go struct field [^ .]*\.(\S+) of type `)

// typeErrorField returns the dotted field path of a type error.
func typeErrorField(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	m := typeErrorRE.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	return m[1], true
}

// dropPath removes the values at path (object keys; arrays are searched element by
// element) that are not int32 integers, recording each as a problem.
func dropPath(node any, path []string, field string, problems *[]string) bool {
	switch n := node.(type) {
	case []any:
		removed := false
		for _, e := range n {
			removed = dropPath(e, path, field, problems) || removed
		}
		return removed
	case map[string]any:
		if len(path) == 0 {
			return false
		}
		v, ok := n[path[0]]
		if !ok {
			return false
		}
		if len(path) > 1 {
			return dropPath(v, path[1:], field, problems)
		}
		if isInt32(v) {
			return false
		}
		delete(n, path[0])
		*problems = append(*problems, fmt.Sprintf("%s: %v is not a valid value (integers must be between %d and %d)", field, v, math.MinInt32, math.MaxInt32))
		return true
	}
	return false
}

func isInt32(v any) bool {
	switch x := v.(type) {
	case int64:
		return x >= math.MinInt32 && x <= math.MaxInt32
	case float64:
		return x == math.Trunc(x) && x >= math.MinInt32 && x <= math.MaxInt32
	}
	return false
}

// UnmarshalJSON decodes tolerantly (see DecodeProblemAnnotation).
func (m *MCPServer) UnmarshalJSON(data []byte) error {
	type plain MCPServer
	return decodeTolerant(data, (*plain)(m), &m.ObjectMeta)
}

// UnmarshalJSON decodes tolerantly (see DecodeProblemAnnotation).
func (m *MCPRemoteProxy) UnmarshalJSON(data []byte) error {
	type plain MCPRemoteProxy
	return decodeTolerant(data, (*plain)(m), &m.ObjectMeta)
}

// UnmarshalJSON decodes tolerantly (see DecodeProblemAnnotation).
func (m *VirtualMCPServer) UnmarshalJSON(data []byte) error {
	type plain VirtualMCPServer
	return decodeTolerant(data, (*plain)(m), &m.ObjectMeta)
}

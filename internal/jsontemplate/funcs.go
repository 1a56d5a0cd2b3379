package jsontemplate

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"net/url"
	"slices"
	"strings"
	"text/template/parse"
)

// builtins are the predefined functions but and and or, which evaluate their
// arguments lazily (state.andOr).
var builtins = map[string]Func{
	"not":      notFunc,
	"len":      lenFunc,
	"index":    indexFunc,
	"slice":    sliceFunc,
	"print":    func(a ...any) (any, error) { return fmt.Sprint(a...), nil },
	"println":  func(a ...any) (any, error) { return fmt.Sprintln(a...), nil },
	"printf":   printfFunc,
	"eq":       eqFunc,
	"ne":       ordered(func(c int) bool { return c != 0 }, true),
	"lt":       ordered(func(c int) bool { return c < 0 }, false),
	"le":       ordered(func(c int) bool { return c <= 0 }, false),
	"gt":       ordered(func(c int) bool { return c > 0 }, false),
	"ge":       ordered(func(c int) bool { return c >= 0 }, false),
	"html":     func(a ...any) (any, error) { return html.EscapeString(joinArgs(a)), nil },
	"urlquery": func(a ...any) (any, error) { return url.QueryEscape(joinArgs(a)), nil },
}

// andOr returns, for and, the first false argument or the last; for or, the
// first true argument or the last. Arguments after the deciding one are not
// evaluated.
func (s *state) andOr(dot any, id *parse.IdentifierNode, args []parse.Node, final any) (any, error) {
	n := len(args)
	if final != missing {
		n++
	}
	if n == 0 {
		return nil, s.errorf(id, fmt.Errorf("%s needs at least one argument", id.Ident))
	}
	stopAt := id.Ident == "or" // or stops at a true argument, and at a false one
	var v any
	for i := range n {
		if i < len(args) {
			var err error
			if v, err = s.arg(dot, args[i]); err != nil {
				return nil, err
			}
		} else {
			v = final
		}
		if truth(v) == stopAt {
			return v, nil
		}
	}
	return v, nil
}

func notFunc(a ...any) (any, error) {
	if len(a) != 1 {
		return nil, fmt.Errorf("not takes 1 argument, got %d", len(a))
	}
	return !truth(a[0]), nil
}

func lenFunc(a ...any) (any, error) {
	if len(a) != 1 {
		return nil, fmt.Errorf("len takes 1 argument, got %d", len(a))
	}
	switch x := a[0].(type) {
	case string:
		return len(x), nil
	case []any:
		return len(x), nil
	case map[string]any:
		return len(x), nil
	}
	return nil, fmt.Errorf("len of %s", kind(a[0]))
}

// indexFunc is index x k1 k2...: x[k1][k2]; a missing key of an object is null.
func indexFunc(a ...any) (any, error) {
	if len(a) == 0 {
		return nil, errors.New("index needs a value to index")
	}
	v := a[0]
	for _, k := range a[1:] {
		switch x := v.(type) {
		case map[string]any:
			key, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("index of an object with %s, want a string", kind(k))
			}
			v = x[key]
		case []any:
			i, err := position(k, len(x)-1)
			if err != nil {
				return nil, err
			}
			v = x[i]
		case string:
			i, err := position(k, len(x)-1)
			if err != nil {
				return nil, err
			}
			v = int(x[i])
		default:
			return nil, fmt.Errorf("can't index %s", kind(v))
		}
	}
	return v, nil
}

// sliceFunc is slice x i j: x[i:j] of a string or an array (j optional).
func sliceFunc(a ...any) (any, error) {
	if len(a) < 1 || len(a) > 3 {
		return nil, fmt.Errorf("slice takes a value and 1 or 2 indexes, got %d arguments", len(a))
	}
	var n int
	switch x := a[0].(type) {
	case string:
		n = len(x)
	case []any:
		n = len(x)
	default:
		return nil, fmt.Errorf("can't slice %s", kind(a[0]))
	}
	bounds := []int{0, n}
	for i, k := range a[1:] {
		p, err := position(k, n)
		if err != nil {
			return nil, err
		}
		bounds[i] = p
	}
	if bounds[0] > bounds[1] {
		return nil, fmt.Errorf("slice indexes out of order: %d > %d", bounds[0], bounds[1])
	}
	if s, ok := a[0].(string); ok {
		return s[bounds[0]:bounds[1]], nil
	}
	return a[0].([]any)[bounds[0]:bounds[1]], nil
}

// position is k as an index in [0, last].
func position(k any, last int) (int, error) {
	f, ok := numeric(k)
	if !ok || f != math.Trunc(f) {
		return 0, fmt.Errorf("index %v is not an integer", k)
	}
	if f < 0 || f > float64(last) {
		return 0, fmt.Errorf("index %v out of range [0, %d]", k, last)
	}
	return int(f), nil
}

func printfFunc(a ...any) (any, error) {
	if len(a) == 0 {
		return nil, errors.New("printf needs a format")
	}
	format, ok := a[0].(string)
	if !ok {
		return nil, fmt.Errorf("printf format is %s, want a string", kind(a[0]))
	}
	return fmt.Sprintf(format, a[1:]...), nil
}

// joinArgs is the text html and urlquery escape: a lone string as it is, else
// the arguments printed together.
func joinArgs(a []any) string {
	if len(a) == 1 {
		if s, ok := a[0].(string); ok {
			return s
		}
	}
	return fmt.Sprint(a...)
}

// eqFunc is eq a b c...: whether a equals any of the others.
func eqFunc(a ...any) (any, error) {
	if len(a) < 2 {
		return nil, errors.New("eq needs at least 2 arguments")
	}
	for _, b := range a[1:] {
		same, err := equal(a[0], b)
		if err != nil {
			return nil, err
		}
		if same {
			return true, nil
		}
	}
	return false, nil
}

// ordered builds ne, lt, le, gt and ge; ne accepts any comparable pair,
// the others numbers or strings.
func ordered(test func(cmp int) bool, anyComparable bool) Func {
	return func(a ...any) (any, error) {
		if len(a) != 2 {
			return nil, fmt.Errorf("comparison takes 2 arguments, got %d", len(a))
		}
		if anyComparable {
			same, err := equal(a[0], a[1])
			if err != nil {
				return nil, err
			}
			return !same, nil
		}
		c, err := compare(a[0], a[1])
		if err != nil {
			return nil, err
		}
		return test(c), nil
	}
}

// equal compares two JSON values of a comparable kind; null equals only null.
func equal(a, b any) (bool, error) {
	if a == nil || b == nil {
		return a == nil && b == nil, nil
	}
	if x, ok := a.(json.Number); ok {
		if y, ok := b.(json.Number); ok && x == y {
			return true, nil
		}
	}
	switch x := a.(type) {
	case bool:
		y, ok := b.(bool)
		if !ok {
			return false, incompatible(a, b)
		}
		return x == y, nil
	case string:
		y, ok := b.(string)
		if !ok {
			return false, incompatible(a, b)
		}
		return x == y, nil
	}
	c, err := compare(a, b)
	return c == 0, err
}

// compare orders two numbers or two strings.
func compare(a, b any) (int, error) {
	if x, ok := a.(string); ok {
		y, ok := b.(string)
		if !ok {
			return 0, incompatible(a, b)
		}
		return strings.Compare(x, y), nil
	}
	x, okA := numeric(a)
	y, okB := numeric(b)
	switch {
	case !okA:
		return 0, fmt.Errorf("can't compare %s", kind(a))
	case !okB:
		return 0, incompatible(a, b)
	case x < y:
		return -1, nil
	case x > y:
		return 1, nil
	}
	return 0, nil
}

func incompatible(a, b any) error {
	return fmt.Errorf("incompatible types for comparison: %s and %s", kind(a), kind(b))
}

// numeric is v as a number, for the number types JSON decoding and templates make.
func numeric(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// truth is text/template's truth for JSON values: false, 0, null, "", [] and
// {} are false.
func truth(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	if f, ok := numeric(v); ok {
		return f != 0
	}
	return true
}

// printValue prints v as text/template does: null as "<no value>".
func printValue(w io.Writer, v any) error {
	if v == nil {
		_, err := io.WriteString(w, "<no value>")
		return err
	}
	_, err := fmt.Fprint(w, v)
	return err
}

// rangeItems lists what range iterates over: an array's elements, an object's
// values by sorted key, or 0..n-1 for an integer n; null is empty.
func rangeItems(v any) (keys, elems []any, err error) {
	switch x := v.(type) {
	case nil:
		return nil, nil, nil
	case []any:
		keys = make([]any, len(x))
		for i := range x {
			keys[i] = i
		}
		return keys, x, nil
	case map[string]any:
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			keys, elems = append(keys, k), append(elems, x[k])
		}
		return keys, elems, nil
	}
	f, ok := numeric(v)
	if !ok || f != math.Trunc(f) {
		return nil, nil, fmt.Errorf("range can't iterate over %s", kind(v))
	}
	if f > maxSteps {
		return nil, nil, fmt.Errorf("range over %v is more than %d iterations", v, maxSteps)
	}
	for i := range int(max(f, 0)) {
		keys, elems = append(keys, i), append(elems, i)
	}
	return keys, elems, nil
}

// kind names v's JSON type for errors.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	if _, ok := numeric(v); ok {
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

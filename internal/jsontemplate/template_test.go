package jsontemplate

import (
	"encoding/json"
	"strings"
	"testing"
	"text/template"
)

// data is the JSON document the differential cases run over.
const data = `{
  "a": "hello", "n": 3, "f": 2.5, "t": true, "zero": 0, "blank": "", "nul": null,
  "l": [1, 2, 3], "empty": [], "o": {"y": "two", "x": 1}, "eo": {},
  "deep": {"b": {"c": "found"}}, "h": "<a href='x'>\"&\"</a>", "q": "a b&c=d/é",
  "objs": [{"name": "x", "on": true}, {"name": "y", "on": false}]
}`

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSameAsTextTemplate runs each template with text/template (missingkey=error)
// and with this package over the same decoded JSON: the outputs must be equal,
// or both executions must fail.
func TestSameAsTextTemplate(t *testing.T) {
	cases := []string{
		"plain text",
		"{{.a}}", "{{.n}}", "{{.f}}", "{{.t}}", "{{.o}}", "{{.l}}", "{{.nul}}", "{{.deep.b.c}}", "{{.}}",
		"{{if .t}}yes{{else}}no{{end}}", "{{if .zero}}y{{else}}n{{end}}", "{{if .blank}}y{{else}}n{{end}}",
		"{{if .empty}}y{{else}}n{{end}}", "{{if .eo}}y{{else}}n{{end}}", "{{if .nul}}y{{else}}n{{end}}",
		"{{if .zero}}a{{else if .t}}b{{else}}c{{end}}",
		"{{range .l}}[{{.}}]{{end}}", "{{range $i, $e := .l}}{{$i}}={{$e}};{{end}}",
		"{{range $k, $v := .o}}{{$k}}:{{$v}} {{end}}", "{{range .empty}}x{{else}}none{{end}}",
		"{{range .nul}}x{{else}}none{{end}}", "{{range 3}}{{.}}{{end}}", "{{range $i := 3}}{{$i}}{{end}}",
		"{{range .l}}{{if eq . 2.0}}{{break}}{{end}}{{.}}{{end}}",
		"{{range .l}}{{if eq . 2.0}}{{continue}}{{end}}{{.}}{{end}}",
		"{{range .objs}}{{if .on}}{{.name}}{{end}}{{end}}", "{{range .objs}}{{$.a}}{{end}}",
		"{{with .o}}{{.x}}{{end}}", "{{with .blank}}y{{else}}none{{end}}", "{{with .zero}}y{{else with .a}}{{.}}{{end}}",
		"{{$x := .a}}{{$x}}", "{{$x := 1}}{{if .t}}{{$x = 2}}{{end}}{{$x}}", "{{if .t}}{{$y := 1}}{{end}}{{.a}}",
		"{{len .l}} {{len .a}} {{len .o}}", "{{len .n}}",
		`{{index .l 1}} {{index .o "x"}} {{index .o "absent"}}`, "{{index .l 7}}", `{{index .objs 0 "name"}}`,
		"{{slice .a 1 3}}", "{{slice .l 1}}", "{{slice .a 4 2}}",
		"{{print .a 1}}", `{{printf "%s-%v-%v" .a .n .l}}`, "{{println .a}}",
		"{{and .t .a}} {{and .zero .a}} {{or .zero .a}} {{or .zero .blank}} {{not .t}} {{not .nul}}",
		`{{eq .a "hello"}} {{ne .a "x"}} {{lt .f 4.0}} {{ge .a "a"}} {{eq .a "x" "hello"}} {{eq .t true}}`,
		"{{html .h}} {{urlquery .q}}",
		"{{.a | up}}", `{{up .a | printf "%q"}}`, "{{(.o).x}}", "{{(index .objs 1).name}}", "{{.a | len | print}}",
		`{{define "in"}}<{{.}}>{{end}}{{template "in" .a}}{{template "in"}}`,
		"{{- .a -}}  x", "{{/* comment */}}ok",
		// Both must fail:
		"{{.absent}}", "{{.a.b}}", "{{.deep.x.y}}", "{{.nul.x}}", "{{up 1 2}}", `{{template "none"}}`, "{{eq .a 1.0}}",
	}
	up := func(s string) string { return strings.ToUpper(s) }
	for _, text := range cases {
		t.Run(text, func(t *testing.T) {
			var want strings.Builder
			std, err := template.New("t").Option("missingkey=error").Funcs(template.FuncMap{"up": up}).Parse(text)
			if err != nil {
				t.Fatalf("text/template parse: %v", err)
			}
			wantErr := std.Execute(&want, decode(t, data))
			ours, err := Parse("t", text, Funcs{"up": func(a ...any) (any, error) {
				if len(a) != 1 {
					return nil, errArgs
				}
				s, ok := a[0].(string)
				if !ok {
					return nil, errArgs
				}
				return up(s), nil
			}})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var got strings.Builder
			gotErr := ours.Execute(&got, decode(t, data))
			switch {
			case (wantErr == nil) != (gotErr == nil):
				t.Fatalf("text/template: %q, %v; jsontemplate: %q, %v", want.String(), wantErr, got.String(), gotErr)
			case wantErr == nil && got.String() != want.String():
				t.Fatalf("got %q, text/template wrote %q", got.String(), want.String())
			}
		})
	}
}

var errArgs = errorString("up takes one string")

type errorString string

func (e errorString) Error() string { return string(e) }

// TestJSONDifferences covers where this package deliberately differs from
// text/template: numbers compare across Go types, json.Number is a number.
func TestJSONDifferences(t *testing.T) {
	doc := map[string]any{"n": 3.0, "num": json.Number("0"), "big": json.Number("9007199254740993"), "i": 2}
	for _, c := range []struct{ text, want string }{
		{"{{eq .n 3}}", "true"},
		{"{{lt .i .n}}", "true"},
		{"{{if .num}}y{{else}}n{{end}}", "n"},
		{`{{eq .big .big}}`, "true"},
	} {
		tm, err := Parse("t", c.text, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		var b strings.Builder
		if err := tm.Execute(&b, doc); err != nil || b.String() != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.text, b.String(), err, c.want)
		}
	}
}

// TestBounds: a template that would loop, recurse or write without end fails
// with an error saying which bound it hit.
func TestBounds(t *testing.T) {
	big := strings.Repeat("x", 100_000)
	for _, c := range []struct{ text, want string }{
		{"{{range 2000000}}{{end}}", "more than 1000000 iterations"},
		{"{{range 1000}}{{range 1000}}{{range 2}}{{end}}{{end}}{{end}}", "more than 1000000 range iterations"},
		{`{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}`, "nested deeper than 100"},
		{"{{range 100}}{{$.big}}{{end}}", "longer than 8388608 bytes"},
	} {
		tm, err := Parse("t", c.text, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		err = tm.Execute(&strings.Builder{}, map[string]any{"big": big})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.text, err, c.want)
		}
	}
}

// TestParseRefuses: functions outside the language this package runs fail at
// parse time, so a workflow using them is refused when it is validated.
func TestParseRefuses(t *testing.T) {
	for _, text := range []string{"{{js .a}}", "{{call .f}}", "{{nope}}", "{{.a"} {
		if _, err := Parse("t", text, nil); err == nil {
			t.Errorf("%s: parsed", text)
		}
	}
	if _, err := Parse("t", "{{mine .a}}", Funcs{"mine": func(a ...any) (any, error) { return nil, nil }}); err != nil {
		t.Errorf("a caller's function: %v", err)
	}
}

// TestErrorSaysWhere: an execution error names the template, line and action.
func TestErrorSaysWhere(t *testing.T) {
	tm, err := Parse("args.query", "line one\n{{.params.missing}}", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = tm.Execute(&strings.Builder{}, map[string]any{"params": map[string]any{}})
	for _, want := range []string{"args.query:2:", ".params.missing", `no entry for key "missing"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

// FuzzExecute: no template over the test document panics.
func FuzzExecute(f *testing.F) {
	for _, s := range []string{"{{.a}}", "{{range .l}}{{.}}{{end}}", "{{index .l 1 2}}", "{{slice .a 9}}", "{{and}}", "{{printf}}"} {
		f.Add(s)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(data), &doc); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		tm, err := Parse("t", text, nil)
		if err != nil {
			return
		}
		_ = tm.Execute(&strings.Builder{}, doc)
	})
}

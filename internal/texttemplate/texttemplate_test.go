package texttemplate

import (
	"encoding/json"
	"strings"
	"testing"
	stdtemplate "text/template"
)

// TestSameAsTextTemplate: over decoded JSON data the fork renders what
// text/template renders (fields, map keys in order, functions, pipelines,
// conditions, ranges, missingkey=error).
func TestSameAsTextTemplate(t *testing.T) {
	var data map[string]any
	if err := json.Unmarshal([]byte(`{"params":{"n":3,"name":"x<y>","list":[1,"two",{"k":true}],
		"m":{"b":2,"a":1,"c":3}},"steps":{"s1":{"output":{"text":"done"}}}}`), &data); err != nil {
		t.Fatal(err)
	}
	funcs := map[string]any{"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	}, "upper": strings.ToUpper}
	for _, text := range []string{
		`{{.params.n}} {{.params.name}} {{printf "%q" .params.name}} {{len .params.list}}`,
		`{{range $k, $v := .params.m}}{{$k}}={{$v}};{{end}}`,
		`{{range .params.list}}[{{.}}]{{end}}`,
		`{{if eq .steps.s1.output.text "done"}}yes{{else}}no{{end}} {{.steps.s1.output.text | upper}}`,
		`{{json .params.list}} {{index .params.list 2 | json}} {{with .params.m}}{{.b}}{{end}}`,
		`{{.params.missing}}`,
		`{{.nothing.deeper}}`,
	} {
		want, wantErr := render(t, text, data, funcs, true)
		got, gotErr := render(t, text, data, funcs, false)
		if got != want || (wantErr == nil) != (gotErr == nil) {
			t.Errorf("%s:\n fork          %q (%v)\n text/template %q (%v)", text, got, gotErr, want, wantErr)
		}
	}
}

func render(t *testing.T, text string, data any, funcs map[string]any, std bool) (string, error) {
	t.Helper()
	var b strings.Builder
	if std {
		tm := stdtemplate.Must(stdtemplate.New("t").Funcs(funcs).Option("missingkey=error").Parse(text))
		err := tm.Execute(&b, data)
		return b.String(), err
	}
	tm, err := New("t").Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	err = tm.Execute(&b, data)
	return b.String(), err
}

type withMethod struct{ Field string }

func (withMethod) Secret() string { return "called" }

// TestNoMethodCalls: a method of the data is not called (it is not looked up
// at all, which is the fork's point); struct fields still work.
func TestNoMethodCalls(t *testing.T) {
	data := withMethod{Field: "f"}
	if got, err := render(t, `{{.Field}}`, data, nil, false); err != nil || got != "f" {
		t.Errorf("field: %q, %v", got, err)
	}
	if got, err := render(t, `{{.Secret}}`, data, nil, true); err != nil || got != "called" {
		t.Fatalf("text/template calls the method: %q, %v", got, err)
	}
	got, err := render(t, `{{.Secret}}`, data, nil, false)
	if err == nil || !strings.Contains(err.Error(), "can't evaluate field Secret") {
		t.Errorf("the fork rendered %q (%v); want the method not evaluated", got, err)
	}
}

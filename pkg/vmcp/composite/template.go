package composite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"text/template/parse"

	"github.com/mcp-operator/mcp-operator/internal/jsontemplate"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// keepFunc is the hidden function a single-action template is wrapped in so that
// its value, not its printed form, comes out (see compileTemplate).
const keepFunc = "__keep"

// funcs are the template functions (config.TemplateFuncs, which validation
// parses against) plus the hidden keepFunc.
var funcs = func() jsontemplate.Funcs {
	f := maps.Clone(config.TemplateFuncs)
	f[keepFunc] = config.TemplateFuncs["json"]
	return f
}()

// tmpl is one compiled template string. keep is set when the whole string is a
// single action ("{{.params.count}}"): its value keeps its type (a number stays a
// number, an object an object) instead of being printed into a string.
type tmpl struct {
	t    *jsontemplate.Template
	keep bool
}

// compileTemplate parses text (which contains "{{"). A string that is exactly one
// action without variable declarations is recompiled as {{__keep (pipeline)}},
// which prints the value as JSON for render to decode.
func compileTemplate(text string) (*tmpl, error) {
	t, err := newTemplate(text)
	if err != nil {
		return nil, err
	}
	nodes := t.Tree.Root.Nodes
	if len(nodes) != 1 {
		return &tmpl{t: t}, nil
	}
	action, ok := nodes[0].(*parse.ActionNode)
	if !ok || action.Pipe == nil || len(action.Pipe.Decl) > 0 {
		return &tmpl{t: t}, nil
	}
	kept, err := newTemplate("{{" + keepFunc + " (" + action.Pipe.String() + ")}}")
	if err != nil {
		// The pipeline does not survive re-printing; render it as a string.
		return &tmpl{t: t}, nil //nolint:nilerr
	}
	return &tmpl{t: kept, keep: true}, nil
}

func newTemplate(text string) (*jsontemplate.Template, error) {
	return jsontemplate.Parse("t", text, funcs)
}

// render executes the template over data.
func (t *tmpl) render(data map[string]any) (any, error) {
	var buf bytes.Buffer
	if err := t.t.Execute(&buf, data); err != nil {
		return nil, err
	}
	if !t.keep {
		return buf.String(), nil
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber() // large integers stay exact
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("template value is not JSON-encodable: %w", err)
	}
	return v, nil
}

// templates holds the compiled form of every template string of a workflow,
// keyed by the string itself.
type templates map[string]*tmpl

// add compiles every template string inside v (a decoded JSON value).
func (ts templates) add(path string, v any) error {
	switch x := v.(type) {
	case string:
		return ts.addString(path, x)
	case map[string]any:
		for k, e := range x {
			if err := ts.add(path+"."+k, e); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := ts.add(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	}
	return nil
}

func (ts templates) addString(path, s string) error {
	if !strings.Contains(s, "{{") {
		return nil
	}
	if _, done := ts[s]; done {
		return nil
	}
	t, err := compileTemplate(s)
	if err != nil {
		return fmt.Errorf("%s: bad template: %w", path, err)
	}
	ts[s] = t
	return nil
}

// render returns a copy of v (a decoded JSON value) with every template string
// replaced by its rendering.
func (ts templates) render(v any, data map[string]any) (any, error) {
	switch x := v.(type) {
	case string:
		return ts.renderString(x, data)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := ts.render(e, data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := ts.render(e, data)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = r
		}
		return out, nil
	default:
		return v, nil
	}
}

func (ts templates) renderString(s string, data map[string]any) (any, error) {
	t, ok := ts[s]
	if !ok {
		return s, nil
	}
	return t.render(data)
}

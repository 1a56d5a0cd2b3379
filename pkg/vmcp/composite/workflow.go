package composite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/aggregate"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// DefaultMaxParallel bounds how many steps (and forEach items) run at once.
const DefaultMaxParallel = 8

// MaxForEachItems bounds the collection of a forEach step.
const MaxForEachItems = 1000

// Caller calls a backend tool. workload is the backend's name and tool the
// backend's own (original) name for the tool.
type Caller interface {
	CallTool(ctx context.Context, workload, tool string, args map[string]any) (*mcp.CallToolResult, error)
}

// Elicitor asks the calling client's user for input (MCP elicitation) on behalf
// of elicitation step stepID. It returns ErrInputRequired when the question must
// instead go back to the client in the tool result (multi round-trip requests,
// SEP-2322); Run then suspends with a *Suspended error.
type Elicitor interface {
	Elicit(ctx context.Context, stepID, message string, schema map[string]any) (*mcp.ElicitResult, error)
}

// ErrInputRequired is returned by an Elicitor that cannot ask the user now.
var ErrInputRequired = errors.New("the question must be returned to the client")

// Env is what one run of a workflow talks to.
type Env struct {
	// Caller performs the backend tool calls; required.
	Caller Caller
	// Elicitor asks the user; nil makes elicitation steps fail.
	Elicitor Elicitor
	// Progress, when set, is called once per finished step (never concurrently),
	// with the number of finished steps so far and the total.
	Progress func(done, total int, message string)
	// Done are steps finished in an earlier round of this call (Suspended.Done):
	// they are not run again.
	Done map[string]StepResult
}

// Options tune how a workflow runs.
type Options struct {
	// MaxParallel bounds concurrent steps and concurrent forEach items; 0 means
	// DefaultMaxParallel.
	MaxParallel int
}

// Workflow is a compiled composite tool, safe for concurrent runs.
type Workflow struct {
	name        string
	tool        *mcp.Tool
	params      *jsonschema.Resolved
	timeout     time.Duration
	steps       []*step
	output      any // decoded output JSON; nil means all step outputs by id
	tmpls       templates
	maxParallel int
}

// step is one compiled workflow step.
type step struct {
	id         string
	kind       config.StepType
	workload   string
	tool       string
	args       any // decoded arguments JSON
	condition  string
	deps       []string
	ancestors  map[string]bool // every step this one transitively depends on
	onError    config.ErrorAction
	retries    int
	retryDelay time.Duration
	timeout    time.Duration
	message    string
	schema     map[string]any
	answer     *jsonschema.Resolved // schema compiled, to check accepted answers
	onDecline  config.ElicitationAction
	onCancel   config.ElicitationAction
	collection string
	defaults   any
}

// New compiles a composite tool. It refuses what config validation refuses (cycles,
// unknown dependencies, bad templates, malformed tool references, parameters not of
// type object, forEach without collection) and schemas that cannot be resolved.
func New(t config.CompositeTool, o Options) (*Workflow, error) {
	t.Normalize()
	if errs := config.ValidateCompositeTool("compositeTool "+t.Name, t, nil); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	w := &Workflow{name: t.Name, tmpls: templates{}, maxParallel: o.MaxParallel}
	if w.maxParallel <= 0 {
		w.maxParallel = DefaultMaxParallel
	}
	w.timeout, _ = time.ParseDuration(string(t.Timeout)) // validated above
	if err := w.compileParams(t); err != nil {
		return nil, err
	}
	for i, s := range t.Steps {
		st, err := w.compileStep(fmt.Sprintf("compositeTool %s: steps[%d]", t.Name, i), s)
		if err != nil {
			return nil, err
		}
		w.steps = append(w.steps, st)
	}
	setAncestors(w.steps)
	out, err := decodeJSON(t.Output)
	if err != nil {
		return nil, fmt.Errorf("compositeTool %s: output: %w", t.Name, err)
	}
	w.output = out
	if err := w.tmpls.add("output", out); err != nil {
		return nil, fmt.Errorf("compositeTool %s: %w", t.Name, err)
	}
	return w, nil
}

// Name is the tool's name.
func (w *Workflow) Name() string { return w.name }

// Timeout is the workflow's own timeout (0 when it has none).
func (w *Workflow) Timeout() time.Duration { return w.timeout }

// Tool is the MCP tool clients see: the workflow's parameters are its input schema.
func (w *Workflow) Tool() *mcp.Tool {
	c := *w.tool
	return &c
}

// Workloads lists the workloads the workflow's steps call, without duplicates.
func (w *Workflow) Workloads() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range w.steps {
		if s.workload != "" && !seen[s.workload] {
			seen[s.workload] = true
			out = append(out, s.workload)
		}
	}
	return out
}

func (w *Workflow) compileParams(t config.CompositeTool) error {
	schema := map[string]any{}
	if t.Parameters != nil && len(t.Parameters.Raw) > 0 {
		if err := json.Unmarshal(t.Parameters.Raw, &schema); err != nil {
			return fmt.Errorf("compositeTool %s: parameters must be a JSON Schema object: %w", t.Name, err)
		}
	}
	if schema["type"] == nil { // config validation refused any other type
		schema["type"] = "object"
	}
	resolved, err := resolveSchema(schema)
	if err != nil {
		return fmt.Errorf("compositeTool %s: parameters is not a usable JSON Schema: %w", t.Name, err)
	}
	w.params = resolved
	w.tool = &mcp.Tool{Name: t.Name, Description: t.Description, InputSchema: schema, Annotations: aggregate.MCPAnnotations(t.Annotations)}
	return nil
}

func (w *Workflow) compileStep(path string, s config.WorkflowStep) (*step, error) {
	st := &step{
		id: s.ID, kind: s.Type, condition: s.Condition, deps: s.DependsOn, onError: config.ErrorAbort,
		message: s.Message, collection: s.Collection,
		onDecline: config.ElicitationAbort, onCancel: config.ElicitationAbort,
	}
	if st.kind != config.StepElicitation {
		st.workload, st.tool, _ = strings.Cut(s.Tool, ".")
	}
	st.timeout, _ = time.ParseDuration(string(s.Timeout)) // validated
	if e := s.OnError; e != nil {
		if e.Action != "" {
			st.onError = e.Action
		}
		if st.onError == config.ErrorRetry {
			st.retries = int(e.RetryCount)
		}
		st.retryDelay, _ = time.ParseDuration(string(e.RetryDelay))
	}
	if s.OnDecline != nil && s.OnDecline.Action != "" {
		st.onDecline = s.OnDecline.Action
	}
	if s.OnCancel != nil && s.OnCancel.Action != "" {
		st.onCancel = s.OnCancel.Action
	}
	var err error
	if st.args, err = decodeJSON(s.Arguments); err != nil {
		return nil, fmt.Errorf("%s.arguments: %w", path, err)
	}
	if st.args != nil {
		if _, ok := st.args.(map[string]any); !ok {
			return nil, fmt.Errorf("%s.arguments: must be a JSON object", path)
		}
	}
	if st.defaults, err = decodeJSON(s.DefaultResults); err != nil {
		return nil, fmt.Errorf("%s.defaultResults: %w", path, err)
	}
	schema, err := decodeJSON(s.Schema)
	if err != nil {
		return nil, fmt.Errorf("%s.schema: %w", path, err)
	}
	if schema != nil {
		m, ok := schema.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s.schema: must be a JSON Schema object", path)
		}
		st.schema = m
		if st.answer, err = resolveSchema(m); err != nil {
			return nil, fmt.Errorf("%s.schema: not a usable JSON Schema: %w", path, err)
		}
	}
	for field, v := range map[string]any{"arguments": st.args, "condition": st.condition, "collection": st.collection, "message": st.message} {
		if err := w.tmpls.add(path+"."+field, v); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// resolveSchema compiles a JSON Schema given as a decoded JSON object.
func resolveSchema(m map[string]any) (*jsonschema.Resolved, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var js jsonschema.Schema
	if err := json.Unmarshal(b, &js); err != nil {
		return nil, err
	}
	return js.Resolve(nil)
}

func decodeJSON(j *apiextensionsv1.JSON) (any, error) {
	if j == nil || len(j.Raw) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(j.Raw, &v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	return v, nil
}

// setAncestors records each step's transitive dependencies; the steps are
// known to be acyclic.
func setAncestors(steps []*step) {
	byID := map[string]*step{}
	for _, s := range steps {
		byID[s.id] = s
	}
	var visit func(s *step) map[string]bool
	visit = func(s *step) map[string]bool {
		if s.ancestors != nil {
			return s.ancestors
		}
		s.ancestors = map[string]bool{}
		for _, d := range s.deps {
			s.ancestors[d] = true
			for a := range visit(byID[d]) {
				s.ancestors[a] = true
			}
		}
		return s.ancestors
	}
	for _, s := range steps {
		visit(s)
	}
}

package composite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Status is how a step ended.
type Status string

// Step statuses.
const (
	StatusCompleted Status = "completed"
	StatusSkipped   Status = "skipped"
	StatusFailed    Status = "failed"
)

// StepResult is what a finished step left behind; templates see it as
// .steps.<id>.output, .error, .status and (elicitation steps) .action.
type StepResult struct {
	Status Status
	Output any
	Error  string
	// Action is the user's answer to an elicitation step: accept, decline or cancel.
	Action string
	kind   config.StepType
}

func (s StepResult) data() map[string]any {
	d := map[string]any{"output": s.Output, "error": s.Error, "status": string(s.Status)}
	if s.kind == config.StepElicitation {
		d["action"] = s.Action
	}
	return d
}

// Result is a successful run: the shaped output and every step's result.
type Result struct {
	Output any
	Steps  map[string]StepResult
}

// errWorkflowTimeout is the cause of a workflow context that hit the tool's timeout.
var errWorkflowTimeout = errors.New("workflow timed out")

// Question is what an elicitation step asks the user.
type Question struct {
	Message string
	Schema  map[string]any
}

// Suspended is Run's error when elicitation steps wait for answers that must
// come back in a later call (see ErrInputRequired). Resume by running again with
// Env.Done set to Done and an Elicitor that has the answers.
type Suspended struct {
	// Questions by elicitation step id.
	Questions map[string]Question
	// Done are the steps that finished so far.
	Done map[string]StepResult
}

func (s *Suspended) Error() string {
	return "waiting for the user's answer to " + strings.Join(slices.Sorted(maps.Keys(s.Questions)), ", ")
}

// outcome is a step's report to the scheduler.
type outcome struct {
	id       string
	result   StepResult
	fatal    error     // ends the workflow with this error
	skipRest bool      // skip every step not yet started (elicitation skip_remaining)
	ask      *Question // the step waits for an answer in a later round
}

// run is the state of one execution.
type run struct {
	w      *Workflow
	env    Env
	params map[string]any
	states map[string]StepResult // only the scheduler goroutine touches it
}

// Run executes the workflow for one call with the call's arguments. The error,
// when not nil, names the step that failed or says why the run stopped.
func (w *Workflow) Run(ctx context.Context, args map[string]any, env Env) (*Result, error) {
	if env.Caller == nil {
		return nil, errors.New("no caller configured")
	}
	params, err := w.checkParams(args)
	if err != nil {
		return nil, err
	}
	if w.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, w.timeout, fmt.Errorf("%w after %s", errWorkflowTimeout, w.timeout))
		defer cancel()
	}
	r := &run{w: w, env: env, params: params, states: maps.Clone(env.Done)}
	if r.states == nil {
		r.states = map[string]StepResult{}
	}
	if err := r.schedule(ctx); err != nil {
		return nil, err
	}
	out, err := r.shape()
	if err != nil {
		return nil, err
	}
	return &Result{Output: out, Steps: maps.Clone(r.states)}, nil
}

// Call runs the workflow and turns the outcome into a tool result: the output
// as structured content and JSON text, or isError with the reason.
func (w *Workflow) Call(ctx context.Context, args map[string]any, env Env) *mcp.CallToolResult {
	return w.ToolResult(w.Run(ctx, args, env))
}

// ToolResult presents the outcome of Run as a tool result: the output as
// structured content and JSON text, or isError with the reason.
func (w *Workflow) ToolResult(res *Result, err error) *mcp.CallToolResult {
	if err != nil {
		return errorResult(fmt.Sprintf("composite tool %s: %v", w.name, err))
	}
	return toolResult(res.Output)
}

// checkParams applies the parameter schema's defaults to a copy of args and
// validates it.
func (w *Workflow) checkParams(args map[string]any) (map[string]any, error) {
	params := maps.Clone(args)
	if params == nil {
		params = map[string]any{}
	}
	if err := w.params.ApplyDefaults(&params); err != nil {
		return nil, fmt.Errorf("invalid arguments: %w", err)
	}
	if err := w.params.Validate(params); err != nil {
		return nil, fmt.Errorf("invalid arguments: %w", err)
	}
	return params, nil
}

// schedule runs the steps as a DAG: a step starts when all its dependencies have
// finished, at most maxParallel at a time, in declaration order among the ready.
// A fatal outcome cancels the steps still running and starts no more.
func (r *run) schedule(parent context.Context) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	pending := map[string]bool{}
	for _, s := range r.w.steps {
		if _, done := r.states[s.id]; !done {
			pending[s.id] = true
		}
	}
	results := make(chan outcome)
	running := 0
	var fatal error
	skipping := false
	questions := map[string]Question{}
	for {
		if fatal == nil && parent.Err() != nil {
			fatal = stopReason(parent)
		}
		if fatal == nil && !skipping && len(questions) == 0 {
			running += r.startReady(ctx, pending, results, running)
		}
		if running == 0 {
			if fatal == nil && len(questions) > 0 {
				return &Suspended{Questions: questions, Done: maps.Clone(r.states)}
			}
			return r.finishRun(fatal, skipping, pending)
		}
		o := <-results
		running--
		if o.ask != nil {
			questions[o.id] = *o.ask
			continue
		}
		r.record(o)
		if o.fatal != nil && fatal == nil {
			fatal = o.fatal
			cancel(fatal)
		}
		skipping = skipping || o.skipRest
	}
}

// startReady starts the pending steps whose dependencies have all finished and
// returns how many it started.
func (r *run) startReady(ctx context.Context, pending map[string]bool, results chan<- outcome, running int) int {
	started := 0
	for _, s := range r.w.steps {
		if running+started >= r.w.maxParallel {
			break
		}
		if !pending[s.id] || !r.depsDone(s) {
			continue
		}
		delete(pending, s.id)
		started++
		data := r.data(s.ancestors)
		go func() { results <- r.runStep(ctx, s, data) }()
	}
	return started
}

// finishRun ends a schedule once nothing runs: with the fatal error, by marking
// the rest skipped (skip_remaining), or refusing steps that can never start.
func (r *run) finishRun(fatal error, skipping bool, pending map[string]bool) error {
	if fatal != nil {
		return fatal
	}
	if skipping {
		for _, s := range r.w.steps {
			if pending[s.id] {
				r.record(outcome{id: s.id, result: StepResult{Status: StatusSkipped, Output: s.defaults, kind: s.kind}})
			}
		}
		return nil
	}
	if len(pending) > 0 {
		ids := slices.Sorted(maps.Keys(pending))
		return fmt.Errorf("steps %s can never run: their dependsOn forms a cycle or names a missing step", strings.Join(ids, ", "))
	}
	return nil
}

func (r *run) depsDone(s *step) bool {
	for _, d := range s.deps {
		if _, ok := r.states[d]; !ok {
			return false
		}
	}
	return true
}

// record stores a finished step and reports progress.
func (r *run) record(o outcome) {
	r.states[o.id] = o.result
	if r.env.Progress != nil && o.fatal == nil {
		r.env.Progress(len(r.states), len(r.w.steps), fmt.Sprintf("step %s %s", o.id, o.result.Status))
	}
}

// data is the template data of a step: the call's parameters and the results of
// the given steps (its ancestors; every step for the output).
func (r *run) data(ids map[string]bool) map[string]any {
	steps := make(map[string]any, len(ids))
	for id := range ids {
		if s, ok := r.states[id]; ok {
			steps[id] = s.data()
		}
	}
	return map[string]any{"params": r.params, "steps": steps}
}

// shape renders the output template over every step, or collects every step's
// output by id when the workflow has none.
func (r *run) shape() (any, error) {
	if r.w.output == nil {
		out := make(map[string]any, len(r.states))
		for id, s := range r.states {
			out[id] = s.Output
		}
		return out, nil
	}
	all := make(map[string]bool, len(r.states))
	for id := range r.states {
		all[id] = true
	}
	out, err := r.w.tmpls.render(r.w.output, r.data(all))
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	return out, nil
}

// stopReason explains why the workflow's context ended.
func stopReason(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
		return cause
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errors.New("the call's deadline passed before the workflow finished")
	}
	return errors.New("the call was cancelled")
}

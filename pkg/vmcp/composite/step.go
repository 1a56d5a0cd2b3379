package composite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// runStep runs one step whose dependencies have finished; data is its template data.
func (r *run) runStep(ctx context.Context, s *step, data map[string]any) outcome {
	ok, err := r.shouldRun(s, data)
	if err != nil {
		return r.failed(ctx, s, fmt.Errorf("condition: %w", err))
	}
	if !ok {
		return outcome{id: s.id, result: StepResult{Status: StatusSkipped, Output: s.defaults, kind: s.kind}}
	}
	var out any
	switch s.kind {
	case config.StepElicitation:
		return r.elicit(ctx, s, data)
	case config.StepForEach:
		out, err = r.forEach(ctx, s, data)
	default:
		var args map[string]any
		if args, err = r.args(s, data); err == nil {
			out, err = r.call(ctx, s, args)
		}
	}
	if err != nil {
		return r.failed(ctx, s, err)
	}
	return outcome{id: s.id, result: StepResult{Status: StatusCompleted, Output: out, kind: s.kind}}
}

// shouldRun renders the condition: the step runs only when it renders "true"
// (ignoring case and surrounding space); no condition means run.
func (r *run) shouldRun(s *step, data map[string]any) (bool, error) {
	if s.condition == "" {
		return true, nil
	}
	v, err := r.w.tmpls.renderString(s.condition, data)
	if err != nil {
		return false, err
	}
	return strings.EqualFold(strings.TrimSpace(fmt.Sprint(v)), "true"), nil
}

// failed applies the step's onError action to err. A failure caused by the
// workflow's own end (timeout, cancellation, another step's abort) is always fatal.
func (r *run) failed(ctx context.Context, s *step, err error) outcome {
	if ctx.Err() != nil {
		return outcome{id: s.id, result: StepResult{Status: StatusFailed, Error: err.Error(), kind: s.kind}, fatal: stopReason(ctx)}
	}
	if strings.Contains(err.Error(), "map has no entry for key") {
		err = fmt.Errorf("%w (a step's templates see .params and, under .steps, only the steps it depends on directly or indirectly)", err)
	}
	res := StepResult{Status: StatusFailed, Error: err.Error(), kind: s.kind}
	if s.onError == config.ErrorContinue {
		res.Output = s.defaults
		return outcome{id: s.id, result: res}
	}
	return outcome{id: s.id, result: res, fatal: fmt.Errorf("step %s failed: %w", s.id, err)}
}

// args renders the step's arguments.
func (r *run) args(s *step, data map[string]any) (map[string]any, error) {
	if s.args == nil {
		return map[string]any{}, nil
	}
	v, err := r.w.tmpls.render(s.args, data)
	if err != nil {
		return nil, fmt.Errorf("arguments.%w", err)
	}
	return v.(map[string]any), nil // rendering keeps an object an object
}

// call sends the step's tool call, retrying as onError says.
func (r *run) call(ctx context.Context, s *step, args map[string]any) (any, error) {
	return r.attempts(ctx, s, func(ctx context.Context) (any, error) {
		res, err := r.env.Caller.CallTool(ctx, s.workload, s.tool, args)
		if err != nil {
			return nil, err
		}
		if res == nil {
			return nil, fmt.Errorf("%s.%s returned no result", s.workload, s.tool)
		}
		if res.IsError {
			return nil, fmt.Errorf("%s.%s returned an error: %s", s.workload, s.tool, resultText(res))
		}
		return outputOf(res), nil
	})
}

// attempts runs do once plus onError.retryCount retries (retryDelay apart), each
// attempt bounded by the step's timeout.
func (r *run) attempts(ctx context.Context, s *step, do func(context.Context) (any, error)) (any, error) {
	var err error
	for i := 0; i <= s.retries; i++ {
		if i > 0 && !sleep(ctx, s.retryDelay) {
			break
		}
		var out any
		if out, err = r.once(ctx, s, do); err == nil {
			return out, nil
		}
		if ctx.Err() != nil || errors.Is(err, ErrInputRequired) {
			return nil, err
		}
	}
	if s.retries > 0 {
		err = fmt.Errorf("%w (gave up after %d attempts)", err, s.retries+1)
	}
	return nil, err
}

func (r *run) once(ctx context.Context, s *step, do func(context.Context) (any, error)) (any, error) {
	if s.timeout <= 0 {
		return do(ctx)
	}
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	out, err := do(actx)
	if err != nil && actx.Err() != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("timed out after %s", s.timeout)
	}
	return out, err
}

// sleep waits d or until ctx ends; it reports whether the full delay passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// forEach calls the step's tool once per item of its collection, at most
// maxParallel at a time, with .item and .index in the arguments' templates. The
// output is the list of the calls' outputs in collection order; the first
// failing item fails the step and cancels the others.
func (r *run) forEach(ctx context.Context, s *step, data map[string]any) (any, error) {
	items, err := r.collection(s, data)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	outs := make([]any, len(items))
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if first == nil {
			first = err
			cancel()
		}
	}
	sem := make(chan struct{}, r.w.maxParallel)
	for i, item := range items {
		d := maps.Clone(data)
		d["item"], d["index"] = item, i
		args, err := r.args(s, d)
		if err != nil {
			fail(fmt.Errorf("item %d: %w", i, err))
			break
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			out, err := r.call(ctx, s, args)
			if err != nil {
				fail(fmt.Errorf("item %d: %w", i, err))
				return
			}
			outs[i] = out
		})
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	return outs, first
}

// collection renders a forEach step's collection into a list. A string result is
// decoded as JSON, so both {{.steps.x.output.items}} and {{json ...}} work.
func (r *run) collection(s *step, data map[string]any) ([]any, error) {
	v, err := r.w.tmpls.renderString(s.collection, data)
	if err != nil {
		return nil, fmt.Errorf("collection: %w", err)
	}
	if str, ok := v.(string); ok {
		if err = json.Unmarshal([]byte(str), &v); err != nil {
			return nil, fmt.Errorf("collection rendered %q, which is not a JSON list", str)
		}
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("collection rendered a %T; it must yield a list", v)
	}
	if len(items) > MaxForEachItems {
		return nil, fmt.Errorf("collection has %d items; at most %d are allowed", len(items), MaxForEachItems)
	}
	return items, nil
}

// errNoElicitor is the failure of an elicitation step when the client cannot answer.
var errNoElicitor = errors.New("the calling client does not support elicitation")

// elicit asks the user. accept makes the answer the step's output; decline and
// cancel apply onDecline / onCancel: continue (output defaultResults),
// skip_remaining (start no further step) or abort (the default).
func (r *run) elicit(ctx context.Context, s *step, data map[string]any) outcome {
	if r.env.Elicitor == nil {
		return r.failed(ctx, s, errNoElicitor)
	}
	msg, err := r.w.tmpls.renderString(s.message, data)
	if err != nil {
		return r.failed(ctx, s, fmt.Errorf("message: %w", err))
	}
	v, err := r.attempts(ctx, s, func(ctx context.Context) (any, error) {
		res, err := r.env.Elicitor.Elicit(ctx, s.id, fmt.Sprint(msg), s.schema)
		if err != nil {
			return nil, err
		}
		if res == nil {
			return nil, errors.New("the client returned no elicitation result")
		}
		return res, nil
	})
	if errors.Is(err, ErrInputRequired) && ctx.Err() == nil {
		return outcome{id: s.id, ask: &Question{Message: fmt.Sprint(msg), Schema: s.schema}}
	}
	if err != nil {
		return r.failed(ctx, s, err)
	}
	return r.answered(ctx, s, v.(*mcp.ElicitResult))
}

// answered turns the user's elicitation answer into the step's outcome.
func (r *run) answered(ctx context.Context, s *step, res *mcp.ElicitResult) outcome {
	var action config.ElicitationAction
	switch res.Action {
	case "accept":
		content := map[string]any{}
		maps.Copy(content, res.Content)
		if s.answer != nil {
			if err := s.answer.Validate(content); err != nil {
				return r.failed(ctx, s, fmt.Errorf("the answer does not match the step's schema: %w", err))
			}
		}
		return outcome{id: s.id, result: StepResult{Status: StatusCompleted, Output: content, Action: res.Action, kind: s.kind}}
	case "decline":
		action = s.onDecline
	case "cancel":
		action = s.onCancel
	default:
		return r.failed(ctx, s, fmt.Errorf("the client answered with unknown action %q", res.Action))
	}
	o := outcome{id: s.id, result: StepResult{Status: StatusCompleted, Output: s.defaults, Action: res.Action, kind: s.kind}}
	switch action {
	case config.ElicitationContinue:
	case config.ElicitationSkipRemaining:
		o.skipRest = true
	default:
		o.result.Status = StatusFailed
		o.result.Error = "the user answered " + res.Action
		o.fatal = fmt.Errorf("step %s: the user answered %s to %q", s.id, res.Action, s.message)
	}
	return o
}

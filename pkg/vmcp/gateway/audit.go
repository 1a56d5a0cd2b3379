package gateway

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/auth/audit"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// auditor writes config audit's events: one line per MCP request of a client. While it
// is on, tools/call takes the SDK path (the fast path would bypass it).
type auditor struct {
	log                        *audit.Logger
	component                  string
	include, exclude           []string
	appErrors, request, result bool
	maxData, depth             int
}

// newAuditor returns the auditor of c (nil when audit is off). Lines go to c.logFile,
// else to log.
func newAuditor(c *config.AuditConfig, name string, log *zap.Logger) (*auditor, error) {
	if c == nil || c.Enabled == nil || !*c.Enabled {
		return nil, nil
	}
	a := &auditor{log: audit.New(log), component: c.Component, include: c.EventTypes, exclude: c.ExcludeEventTypes,
		appErrors: c.DetectApplicationErrors == nil || *c.DetectApplicationErrors,
		request:   c.IncludeRequestData != nil && *c.IncludeRequestData,
		result:    c.IncludeResponseData != nil && *c.IncludeResponseData,
		maxData:   1024, depth: 10}
	if a.component == "" {
		a.component = name
	}
	if c.MaxDataSize != nil {
		a.maxData = int(*c.MaxDataSize)
	}
	if c.MaxDelegationDepth != nil {
		a.depth = int(*c.MaxDelegationDepth)
	}
	if c.LogFile != "" {
		l, err := audit.NewFile(c.LogFile)
		if err != nil {
			return nil, err
		}
		a.log = l
	}
	return a, nil
}

// wants says whether events of type t are written.
func (a *auditor) wants(t string) bool {
	return (len(a.include) == 0 || slices.Contains(a.include, t)) && !slices.Contains(a.exclude, t)
}

// auditMiddleware writes one event per request; it runs inside identityMiddleware, so it
// sees the caller.
func (g *Gateway) auditMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	a := g.audit
	if a == nil {
		return next
	}
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		et := audit.EventTypeOf(method)
		if !a.wants(et) {
			return next(ctx, method, req)
		}
		start := time.Now()
		res, err := next(ctx, method, req)
		ev := audit.Event{Identity: auth.IdentityFrom(ctx), Method: method, Target: auditTarget(req.GetParams()),
			Outcome: audit.OutcomeSuccess, Duration: time.Since(start), Component: a.component, EventType: et}
		if ev.Identity != nil {
			ev.Actors = audit.Actors(ev.Identity.Claims, a.depth)
		}
		if s := req.GetSession(); s != nil {
			ev.Session = s.ID()
		}
		switch r, _ := res.(*mcp.CallToolResult); {
		case err != nil:
			ev.Outcome, ev.Detail = audit.OutcomeError, err.Error()
		case a.appErrors && r != nil && r.IsError:
			ev.Outcome = audit.OutcomeToolError
		}
		if a.request {
			ev.Request = a.truncate(req.GetParams())
		}
		if a.result && err == nil && res != nil {
			ev.Response = a.truncate(res)
		}
		a.log.Log(ev)
		return res, err
	}
}

// auditTarget is the tool, prompt or resource a request names.
func auditTarget(params mcp.Params) string {
	switch p := params.(type) {
	case *mcp.CallToolParamsRaw:
		return p.Name
	case *mcp.CallToolParams:
		return p.Name
	case *mcp.GetPromptParams:
		return p.Name
	case *mcp.ReadResourceParams:
		return p.URI
	}
	return ""
}

// truncate is v as JSON, cut to maxData bytes.
func (a *auditor) truncate(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	if len(b) > a.maxData {
		return string(b[:a.maxData]) + "…"
	}
	return string(b)
}

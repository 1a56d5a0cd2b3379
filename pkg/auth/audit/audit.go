// Package audit writes one structured log line per MCP operation: who (subject,
// whether anonymous, and the actors a delegated token names), what (JSON-RPC method
// and the tool, prompt or resource it names), the outcome and how long it took. The
// proxy runner (config audit) and vmcp (config audit) use it; the lines go to the
// process's zap logger under the name "audit", so log pipelines can route them, or as
// JSON lines to a file of their own (NewFile).
package audit

import (
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// Outcomes of an operation.
const (
	// OutcomeSuccess: the server answered with a result.
	OutcomeSuccess = "success"
	// OutcomeToolError: a tool call returned a result with isError set.
	OutcomeToolError = "tool_error"
	// OutcomeError: the server answered with a JSON-RPC error.
	OutcomeError = "error"
	// OutcomeDenied: authorization refused the operation.
	OutcomeDenied = "denied"
	// OutcomeNotFound: the tool is hidden by the tool filter.
	OutcomeNotFound = "not_found"
	// OutcomeNoResponse: the exchange ended without an answer on it (for
	// example legacy SSE, where answers travel on the event stream).
	OutcomeNoResponse = "no_response"
)

// Event is one MCP operation.
type Event struct {
	// Identity of the caller (nil = anonymous).
	Identity *auth.Identity
	// Method is the JSON-RPC method, e.g. tools/call.
	Method string
	// Target is the tool, prompt or resource the request names ("" for lists).
	Target string
	// Outcome is one of the Outcome constants.
	Outcome string
	// Detail adds context: the JSON-RPC error message or the denial reason.
	Detail string
	// Duration from receiving the request to its answer.
	Duration time.Duration
	// Session is the MCP session id, when there is one.
	Session string
	// Remote is the client's address.
	Remote string
	// Component names the part that audits (vmcp: config audit.component).
	Component string
	// EventType classifies the operation, e.g. mcp_tool_call (EventTypeOf).
	EventType string
	// Actors are the subjects of a delegated token's act claims, outermost first.
	Actors []string
	// Request and Response are the operation's params and result as JSON, when recorded.
	Request, Response string
}

// Logger writes audit events.
type Logger struct{ log *zap.Logger }

// NewFile returns a Logger appending JSON lines to the file at path (created 0600).
func NewFile(path string) (*Logger, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit logFile: %w", err)
	}
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return New(zap.New(zapcore.NewCore(enc, zapcore.AddSync(f), zapcore.InfoLevel))), nil
}

// New returns a Logger writing to log (named "audit"); nil log means no output.
func New(log *zap.Logger) *Logger {
	if log == nil {
		log = zap.NewNop()
	}
	return &Logger{log: log.Named("audit")}
}

// Log writes ev as one line.
func (l *Logger) Log(ev Event) {
	subject, anonymous := "anonymous", true
	if ev.Identity != nil && !ev.Identity.Anonymous {
		subject, anonymous = ev.Identity.Subject, false
	}
	fields := []zap.Field{
		zap.String("subject", subject),
		zap.Bool("anonymous", anonymous),
		zap.String("method", ev.Method),
		zap.String("outcome", ev.Outcome),
		zap.Duration("duration", ev.Duration),
	}
	if ev.Target != "" {
		fields = append(fields, zap.String("target", ev.Target))
	}
	if ev.Detail != "" {
		fields = append(fields, zap.String("detail", ev.Detail))
	}
	if ev.Session != "" {
		fields = append(fields, zap.String("session", ev.Session))
	}
	if ev.Remote != "" {
		fields = append(fields, zap.String("remote", ev.Remote))
	}
	for _, f := range []struct{ k, v string }{{"component", ev.Component}, {"event_type", ev.EventType},
		{"request", ev.Request}, {"response", ev.Response}} {
		if f.v != "" {
			fields = append(fields, zap.String(f.k, f.v))
		}
	}
	if len(ev.Actors) > 0 {
		fields = append(fields, zap.Strings("actors", ev.Actors))
	}
	l.log.Info("MCP operation", fields...)
}

// EventTypeOf is the event type of a JSON-RPC method: mcp_tool_call, mcp_tools_list,
// mcp_resource_read, mcp_resources_list, mcp_prompt_get, mcp_prompts_list,
// mcp_initialize, mcp_ping, mcp_completion, mcp_logging, mcp_notification, else
// mcp_request.
func EventTypeOf(method string) string {
	switch method {
	case "tools/call":
		return "mcp_tool_call"
	case "tools/list":
		return "mcp_tools_list"
	case "resources/read":
		return "mcp_resource_read"
	case "resources/list", "resources/templates/list":
		return "mcp_resources_list"
	case "prompts/get":
		return "mcp_prompt_get"
	case "prompts/list":
		return "mcp_prompts_list"
	case "initialize":
		return "mcp_initialize"
	case "ping":
		return "mcp_ping"
	case "completion/complete":
		return "mcp_completion"
	case "logging/setLevel":
		return "mcp_logging"
	}
	if len(method) > 14 && method[:14] == "notifications/" {
		return "mcp_notification"
	}
	return "mcp_request"
}

// Actors returns the subjects of the nested act claims (RFC 8693) of claims, outermost
// first, at most depth of them.
func Actors(claims map[string]any, depth int) []string {
	var out []string
	act, _ := claims["act"].(map[string]any)
	for act != nil && len(out) < depth {
		if sub, _ := act["sub"].(string); sub != "" {
			out = append(out, sub)
		}
		act, _ = act["act"].(map[string]any)
	}
	return out
}

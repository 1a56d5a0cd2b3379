// Package audit writes one structured log line per MCP operation: who (subject,
// whether anonymous), what (JSON-RPC method and the tool, prompt or resource it
// names), the outcome and how long it took. The proxy runner uses it when its
// config sets audit; the lines go to the process's zap logger under the name
// "audit", so log pipelines can route them.
package audit

import (
	"time"

	"go.uber.org/zap"

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
}

// Logger writes audit events.
type Logger struct{ log *zap.Logger }

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
	l.log.Info("MCP operation", fields...)
}

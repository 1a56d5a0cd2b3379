package telemetry

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// peekLimit bounds how much of a request body is read to name its span; a larger
// body is still passed on whole, its span named by the HTTP method only.
const peekLimit = 1 << 20

// instruments are the metric instruments recorded per request.
type instruments struct {
	duration metric.Float64Histogram
	// requests is the counter of older releases (UseLegacyAttributes).
	requests metric.Int64Counter
}

func newInstruments(m metric.Meter, legacy bool) (*instruments, error) {
	var in instruments
	var err error
	if in.duration, err = m.Float64Histogram("mcp.server.operation.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of MCP requests handled by this server.")); err != nil {
		return nil, err
	}
	if legacy {
		if in.requests, err = m.Int64Counter("toolhive_mcp_requests",
			metric.WithDescription("MCP requests by method and status.")); err != nil {
			return nil, err
		}
	}
	return &in, nil
}

// rpcRequest is the part of a JSON-RPC request that names its span.
type rpcRequest struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params struct {
		Name string `json:"name"`
		URI  string `json:"uri"`
	} `json:"params"`
}

// peek reads the JSON-RPC request in r's body (a single message; a batch is named
// by its first one) and puts the body back for the handler behind.
func peek(r *http.Request) rpcRequest {
	var req rpcRequest
	if r.Method != http.MethodPost || r.Body == nil {
		return req
	}
	head, err := io.ReadAll(io.LimitReader(r.Body, peekLimit+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	if err != nil || len(head) > peekLimit {
		return req
	}
	head = bytes.TrimSpace(head)
	if len(head) > 0 && head[0] == '[' {
		var batch []rpcRequest
		if json.Unmarshal(head, &batch) == nil && len(batch) > 0 {
			return batch[0]
		}
		return req
	}
	_ = json.Unmarshal(head, &req)
	return req
}

// target is what an MCP request acts on: the tool, prompt or resource.
func (q *rpcRequest) target() string {
	if q.Params.Name != "" {
		return q.Params.Name
	}
	return q.Params.URI
}

// spanName follows the MCP semantic conventions: "{method} {target}".
func spanName(r *http.Request, q *rpcRequest) string {
	switch {
	case q.Method != "" && q.target() != "":
		return q.Method + " " + q.target()
	case q.Method != "":
		return q.Method
	default:
		return "HTTP " + r.Method
	}
}

// attributes of one request's span and measurements.
func (p *Provider) attributes(r *http.Request, q *rpcRequest) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		attribute.String("http.request.method", r.Method),
		attribute.String("url.path", r.URL.Path),
		attribute.String("network.transport", "tcp"),
	}
	if q.Method != "" {
		attrs = append(attrs, attribute.String("mcp.method.name", q.Method))
	}
	if len(q.ID) > 0 {
		attrs = append(attrs, attribute.String("jsonrpc.request.id", string(bytes.Trim(q.ID, `"`))))
	}
	if q.Method == "tools/call" && q.Params.Name != "" {
		attrs = append(attrs, attribute.String("gen_ai.tool.name", q.Params.Name))
	}
	if q.Method == "prompts/get" && q.Params.Name != "" {
		attrs = append(attrs, attribute.String("gen_ai.prompt.name", q.Params.Name))
	}
	if q.Params.URI != "" {
		attrs = append(attrs, attribute.String("mcp.resource.uri", q.Params.URI))
	}
	if s := r.Header.Get("Mcp-Session-Id"); s != "" {
		attrs = append(attrs, attribute.String("mcp.session.id", s))
	}
	if p.cfg.UseLegacyAttributes && q.Method != "" {
		attrs = append(attrs, attribute.String("rpc.system", "jsonrpc"), attribute.String("mcp.method", q.Method))
		if q.Method == "tools/call" && q.Params.Name != "" {
			attrs = append(attrs, attribute.String("mcp.tool.name", q.Params.Name))
		}
	}
	return attrs
}

// Middleware records a server span (joining the caller's W3C trace context) and
// the request's duration for each request to next. With telemetry off it returns
// next unchanged.
func (p *Provider) Middleware(next http.Handler) http.Handler {
	if p == nil || p.inst == nil {
		return next
	}
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		q := peek(r)
		attrs := p.attributes(r, &q)
		ctx := prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := p.tracer.Start(ctx, spanName(r, &q), trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attrs...), trace.WithAttributes(p.envAttrs...))
		rec := &recorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(ctx))
		span.SetAttributes(attribute.Int("http.response.status_code", rec.code))
		if rec.code >= 500 {
			span.SetStatus(codes.Error, http.StatusText(rec.code))
		}
		span.End()
		mattrs := metricAttributes(attrs, rec.code)
		p.inst.duration.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(mattrs...))
		if p.inst.requests != nil {
			p.inst.requests.Add(ctx, 1, metric.WithAttributes(
				attribute.String("mcp_method", q.Method), attribute.String("status", strconv.Itoa(rec.code))))
		}
	})
}

// metricAttributes keeps the low-cardinality attributes of a span for metrics.
func metricAttributes(attrs []attribute.KeyValue, code int) []attribute.KeyValue {
	out := []attribute.KeyValue{attribute.Int("http.response.status_code", code)}
	for _, a := range attrs {
		switch a.Key {
		case "mcp.method.name", "gen_ai.tool.name", "http.request.method":
			out = append(out, a)
		}
	}
	return out
}

// recorder remembers the status code; Unwrap keeps http.ResponseController
// (flushing of event streams) working.
type recorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Flush passes a flush on to the writer behind.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the writer behind.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

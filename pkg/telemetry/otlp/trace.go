package otlp

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// TraceExporter is an sdktrace.SpanExporter that POSTs ExportTraceServiceRequests.
type TraceExporter struct{ c *client }

var _ sdktrace.SpanExporter = (*TraceExporter)(nil)

// NewTraceExporter returns an exporter posting to cfg.URL (the full URL, path included).
func NewTraceExporter(cfg Config) (*TraceExporter, error) {
	c, err := newClient(cfg, "traces")
	if err != nil {
		return nil, err
	}
	return &TraceExporter{c: c}, nil
}

// ExportSpans sends spans in one request; the batch span processor calls it.
func (e *TraceExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	return e.c.post(ctx, EncodeSpans(spans))
}

// Shutdown makes later exports fail; there is nothing buffered here to flush.
func (e *TraceExporter) Shutdown(ctx context.Context) error { return e.c.shutdown(ctx) }

type scopeKey struct {
	name, version, schemaURL string
	attrs                    attribute.Distinct
}

func keyOf(s instrumentation.Scope) scopeKey {
	return scopeKey{s.Name, s.Version, s.SchemaURL, s.Attributes.Equivalent()}
}

type resourceGroup struct {
	res    *resource.Resource
	scopes []scopeGroup
	index  map[scopeKey]int
}

type scopeGroup struct {
	scope instrumentation.Scope
	spans []sdktrace.ReadOnlySpan
}

// EncodeSpans encodes an ExportTraceServiceRequest (collector/trace/v1):
// resource_spans = 1. The spans are grouped by resource, then by scope, in the
// order they come.
func EncodeSpans(spans []sdktrace.ReadOnlySpan) []byte {
	var groups []*resourceGroup
	byRes := map[attribute.Distinct]*resourceGroup{}
	for _, s := range spans {
		res := s.Resource()
		rk := res.Equivalent()
		g := byRes[rk]
		if g == nil {
			g = &resourceGroup{res: res, index: map[scopeKey]int{}}
			byRes[rk] = g
			groups = append(groups, g)
		}
		sc := s.InstrumentationScope()
		sk := keyOf(sc)
		i, ok := g.index[sk]
		if !ok {
			i = len(g.scopes)
			g.index[sk] = i
			g.scopes = append(g.scopes, scopeGroup{scope: sc})
		}
		g.scopes[i].spans = append(g.scopes[i].spans, s)
	}
	var b []byte
	for _, g := range groups {
		// ResourceSpans {resource = 1; scope_spans = 2; schema_url = 3}.
		b = appendMessage(b, 1, func(b []byte) []byte {
			b = appendResource(b, 1, g.res)
			for _, sg := range g.scopes {
				// ScopeSpans {scope = 1; spans = 2; schema_url = 3}.
				b = appendMessage(b, 2, func(b []byte) []byte {
					b = appendScope(b, 1, sg.scope)
					for _, s := range sg.spans {
						b = appendMessage(b, 2, func(b []byte) []byte { return appendSpan(b, s) })
					}
					return appendString(b, 3, sg.scope.SchemaURL)
				})
			}
			return appendString(b, 3, g.res.SchemaURL())
		})
	}
	return b
}

// Span flags (trace.proto SpanFlags): the W3C trace flags in bits 0-7, then
// whether the remote-ness of the parent (or linked) context is known, and whether
// it is remote.
const (
	flagHasIsRemote = 0x100
	flagIsRemote    = 0x200
)

func spanFlags(sc trace.SpanContext) uint32 {
	f := uint32(sc.TraceFlags()) | flagHasIsRemote
	if sc.IsRemote() {
		f |= flagIsRemote
	}
	return f
}

// statusCode maps the API's codes (Unset 0, Error 1, Ok 2) to trace.proto's
// Status.StatusCode (UNSET 0, OK 1, ERROR 2).
func statusCode(c codes.Code) uint64 {
	switch c {
	case codes.Ok:
		return 1
	case codes.Error:
		return 2
	default:
		return 0
	}
}

// appendSpan appends the fields of a Span (trace.proto): trace_id = 1,
// span_id = 2, trace_state = 3, parent_span_id = 4, name = 5, kind = 6,
// start_time_unix_nano = 7, end_time_unix_nano = 8, attributes = 9,
// dropped_attributes_count = 10, events = 11, dropped_events_count = 12,
// links = 13, dropped_links_count = 14, status = 15, flags = 16. The API's
// SpanKind values equal trace.proto's.
func appendSpan(b []byte, s sdktrace.ReadOnlySpan) []byte {
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	b = appendBytes(b, 1, tid[:])
	b = appendBytes(b, 2, sid[:])
	b = appendString(b, 3, sc.TraceState().String())
	parent := s.Parent()
	if parent.SpanID().IsValid() {
		pid := parent.SpanID()
		b = appendBytes(b, 4, pid[:])
	}
	b = appendString(b, 5, s.Name())
	b = appendVarint(b, 6, uint64(s.SpanKind()))
	b = appendFixed64(b, 7, unixNano(s.StartTime()))
	b = appendFixed64(b, 8, unixNano(s.EndTime()))
	b = appendAttributes(b, 9, s.Attributes())
	b = appendVarint(b, 10, uint64(s.DroppedAttributes()))
	for _, ev := range s.Events() {
		// Event {time_unix_nano = 1; name = 2; attributes = 3; dropped_attributes_count = 4}.
		b = appendMessage(b, 11, func(b []byte) []byte {
			b = appendFixed64(b, 1, unixNano(ev.Time))
			b = appendString(b, 2, ev.Name)
			b = appendAttributes(b, 3, ev.Attributes)
			return appendVarint(b, 4, uint64(ev.DroppedAttributeCount))
		})
	}
	b = appendVarint(b, 12, uint64(s.DroppedEvents()))
	for _, l := range s.Links() {
		// Link {trace_id = 1; span_id = 2; trace_state = 3; attributes = 4;
		// dropped_attributes_count = 5; flags = 6}.
		b = appendMessage(b, 13, func(b []byte) []byte {
			ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
			b = appendBytes(b, 1, ltid[:])
			b = appendBytes(b, 2, lsid[:])
			b = appendString(b, 3, l.SpanContext.TraceState().String())
			b = appendAttributes(b, 4, l.Attributes)
			b = appendVarint(b, 5, uint64(l.DroppedAttributeCount))
			return appendFixed32(b, 6, spanFlags(l.SpanContext))
		})
	}
	b = appendVarint(b, 14, uint64(s.DroppedLinks()))
	// Status {message = 2; code = 3}; written even when unset, as the SDK's
	// exporter does.
	st := s.Status()
	b = appendMessage(b, 15, func(b []byte) []byte {
		b = appendString(b, 2, st.Description)
		return appendVarint(b, 3, statusCode(st.Code))
	})
	// The span's own trace flags, with the remote-ness of its parent.
	f := uint32(sc.TraceFlags()) | flagHasIsRemote
	if parent.IsRemote() {
		f |= flagIsRemote
	}
	return appendFixed32(b, 16, f)
}

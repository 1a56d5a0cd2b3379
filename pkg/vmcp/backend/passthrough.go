package backend

import (
	"context"
	"net/http"
)

// clientHeadersKey is the context key of the client headers to pass through.
type clientHeadersKey struct{}

// WithClientHeaders returns ctx carrying h: headers of the client's request that every
// backend request made with ctx carries too (config passthroughHeaders, filtered by
// the gateway). An empty h leaves ctx unchanged.
func WithClientHeaders(ctx context.Context, h http.Header) context.Context {
	if len(h) == 0 {
		return ctx
	}
	return context.WithValue(ctx, clientHeadersKey{}, h)
}

// ClientHeaders returns the headers WithClientHeaders stored in ctx, or nil.
func ClientHeaders(ctx context.Context) http.Header {
	h, _ := ctx.Value(clientHeadersKey{}).(http.Header)
	return h
}

// passthrough sets the client headers of a request's context on the backend request,
// leaving a header that outgoing auth or the backend's own headers already set.
type passthrough struct{ next http.RoundTripper }

func (p passthrough) RoundTrip(r *http.Request) (*http.Response, error) {
	h := ClientHeaders(r.Context())
	if len(h) == 0 {
		return p.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	for k, v := range h {
		if _, set := r.Header[k]; !set {
			r.Header[k] = v
		}
	}
	return p.next.RoundTrip(r)
}

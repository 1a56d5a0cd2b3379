package gateway

import (
	"context"
	"crypto/rand"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
)

// identityHeader carries, from the HTTP layer to the MCP handlers, a reference to
// the authenticated identity of the request: the SDK hands handlers the HTTP
// header but not the request context. The value is a random key into
// Gateway.idents, set by the gateway itself on every request (a client's own value
// is overwritten), and valid only while the HTTP request is served.
const identityHeader = "X-Vmcp-Identity-Ref"

// identities maps live identity references to identities.
type identities struct{ m sync.Map }

// wrap serves next with r's identity (from auth.Middleware) reachable by handlers.
func (ids *identities) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := auth.IdentityFrom(r.Context())
		if id == nil || id.Token == "" {
			r.Header.Del(identityHeader)
			next.ServeHTTP(w, r)
			return
		}
		ref := rand.Text()
		ids.m.Store(ref, id)
		defer ids.m.Delete(ref)
		r.Header.Set(identityHeader, ref)
		next.ServeHTTP(w, r)
	})
}

// lookup returns the identity behind req's reference, or nil.
func (ids *identities) lookup(req mcp.Request) *auth.Identity {
	ex := req.GetExtra()
	if ex == nil || ex.Header == nil {
		return nil
	}
	ref := ex.Header.Get(identityHeader)
	if ref == "" {
		return nil
	}
	v, ok := ids.m.Load(ref)
	if !ok {
		return nil
	}
	return v.(*auth.Identity)
}

// identityMiddleware puts the caller's identity into the handler context, where
// outgoing token exchange finds it. On initialize and list requests it also
// discovers the token_exchange backends not discovered yet, on behalf of this
// caller: without a client token they cannot be reached at all.
func (g *Gateway) identityMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if ex := req.GetExtra(); ex != nil {
			ctx = backend.WithClientHeaders(ctx, g.passthrough(ex.Header))
		}
		id := g.idents.lookup(req)
		if id == nil {
			return next(ctx, method, req)
		}
		ctx = auth.WithIdentity(ctx, id)
		if method == "initialize" || slices.Contains(listMethods, method) {
			g.discoverDelegated(ctx, id)
		}
		return next(ctx, method, req)
	}
}

// discoverDelegated remembers id for the background checks of token_exchange
// backends and checks those never discovered, with id.
func (g *Gateway) discoverDelegated(ctx context.Context, id *auth.Identity) {
	var wg sync.WaitGroup
	for _, b := range g.backendList() {
		if !b.def.Delegated() {
			continue
		}
		b.delegate.Store(id)
		if b.capabilities() != nil {
			continue
		}
		wg.Go(func() { g.check(withIdentityOf(g.ctx, ctx), b) })
	}
	wg.Wait()
}

// probeContext returns the context background checks of b run with: a
// token_exchange backend is checked on behalf of the last client that used it,
// while that client's token is valid; ok is false when there is none.
func probeContext(ctx context.Context, b *backendState) (_ context.Context, ok bool) {
	if !b.def.Delegated() {
		return ctx, true
	}
	id := b.delegate.Load()
	if id == nil || (!id.Expiry.IsZero() && !time.Now().Before(id.Expiry)) {
		return ctx, false
	}
	return auth.WithIdentity(ctx, id), true
}

// withIdentityOf returns ctx carrying from's identity, if any.
func withIdentityOf(ctx, from context.Context) context.Context {
	ctx = backend.WithClientHeaders(ctx, backend.ClientHeaders(from))
	if id := auth.IdentityFrom(from); id != nil {
		return auth.WithIdentity(ctx, id)
	}
	return ctx
}

// awaitingClient reports whether b is a token_exchange backend that no client
// has used yet, so that it could not be checked.
func awaitingClient(b *backendState) bool {
	return b.def.Delegated() && b.delegate.Load() == nil && b.capabilities() == nil
}

// passthrough returns the headers of h that config passthroughHeaders names (nil when
// none is configured or present).
func (g *Gateway) passthrough(h http.Header) http.Header {
	var out http.Header
	for _, name := range g.cfg.PassthroughHeaders {
		k := http.CanonicalHeaderKey(name)
		if v := h.Values(k); len(v) > 0 {
			if out == nil {
				out = http.Header{}
			}
			out[k] = slices.Clone(v)
		}
	}
	return out
}

// passthroughHTTP puts the passed-through headers of each request into its context
// for the fast path, which calls backends with the HTTP request's context.
func (g *Gateway) passthroughHTTP(next http.Handler) http.Handler {
	if len(g.cfg.PassthroughHeaders) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := g.passthrough(r.Header); h != nil {
			r = r.WithContext(backend.WithClientHeaders(r.Context(), h))
		}
		next.ServeHTTP(w, r)
	})
}

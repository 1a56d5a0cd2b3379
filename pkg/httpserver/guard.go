package httpserver

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// DefaultMaxBodyBytes bounds a request body when Guard.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 4 << 20

// Guard rejects requests that a browser could have been tricked into sending (DNS
// rebinding) and bodies larger than a limit.
type Guard struct {
	// AllowedHosts are extra Host header values accepted (host or host:port, "*" = any).
	// Loopback hosts are accepted when the server listens on loopback; any host is
	// accepted when AllowedHosts is empty and the server listens on a non-loopback address.
	AllowedHosts []string
	// AllowedOrigins are Origin values accepted besides same-host origins ("*" = any).
	AllowedOrigins []string
	// LoopbackOnly says the server listens on loopback, so only loopback Host values are valid.
	LoopbackOnly bool
	// MaxBodyBytes limits request bodies; 0 means DefaultMaxBodyBytes, negative means no limit.
	MaxBodyBytes int64
}

// Wrap returns next behind the guard.
func (g Guard) Wrap(next http.Handler) http.Handler {
	limit := g.MaxBodyBytes
	if limit == 0 {
		limit = DefaultMaxBodyBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hostAllowed(r.Host) {
			http.Error(w, "invalid Host header", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !g.originAllowed(o, r.Host) {
			http.Error(w, "invalid Origin header", http.StatusForbidden)
			return
		}
		if limit > 0 && r.Body != nil {
			if r.ContentLength > limit {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return strings.Trim(h, "[]")
	}
	return strings.Trim(hostport, "[]")
}

// IsLoopbackHost reports whether h (without port) names the local machine.
func IsLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func (g Guard) hostAllowed(host string) bool {
	for _, a := range g.AllowedHosts {
		if a == "*" || strings.EqualFold(a, host) || strings.EqualFold(a, hostOnly(host)) {
			return true
		}
	}
	if g.LoopbackOnly {
		return IsLoopbackHost(hostOnly(host))
	}
	return len(g.AllowedHosts) == 0
}

func (g Guard) originAllowed(origin, host string) bool {
	for _, a := range g.AllowedOrigins {
		if a == "*" || strings.EqualFold(a, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	// Same host as the request, or both on loopback.
	if strings.EqualFold(u.Host, host) || strings.EqualFold(hostOnly(u.Host), hostOnly(host)) {
		return true
	}
	return IsLoopbackHost(hostOnly(u.Host)) && IsLoopbackHost(hostOnly(host))
}

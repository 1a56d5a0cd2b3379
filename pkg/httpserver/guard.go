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
	// AllowedHosts are the host names accepted besides loopback ones (host or
	// host:port, "*" = any): in a cluster, the names of the Service in front of the
	// server (ServiceHosts). When the server listens on a non-loopback address, any IP
	// literal is accepted as well (a rebinding page reaches a server only through a name
	// it controls, never through an IP literal, and the pod IP, a ClusterIP, a node IP
	// for a NodePort or a LoadBalancer's external IP are all literals); any other name
	// is refused.
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
	h := hostOnly(host)
	if IsLoopbackHost(h) {
		return true
	}
	return !g.LoopbackOnly && net.ParseIP(h) != nil
}

// ServiceHosts returns the names a client inside the cluster may use for Service svc in
// namespace ns, for Guard.AllowedHosts.
func ServiceHosts(svc, ns string) []string {
	if svc == "" {
		return nil
	}
	hosts := []string{svc}
	if ns != "" {
		hosts = append(hosts, svc+"."+ns, svc+"."+ns+".svc", svc+"."+ns+".svc.cluster.local")
	}
	return hosts
}

// SplitHosts parses a comma-separated list of host names (a flag or environment value).
func SplitHosts(list string) []string {
	var out []string
	for _, h := range strings.Split(list, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
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

package mcpoptimizer

import (
	"net/url"
	"strings"
	"time"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// GroupLabel is the legacy label naming a server's group.
const GroupLabel = "toolhive.stacklok.dev/group"

// DefaultGroup is the group of a server that names none.
const DefaultGroup = "default"

// Workload is an MCPServer as the optimizer sees it (the seed's mapping).
type Workload struct {
	Name, Namespace string
	CreatedAt       time.Time
	Labels          map[string]string
	// Group is spec.groupRef, else the GroupLabel label, else DefaultGroup.
	Group string
	// Package is the container image.
	Package   string
	Transport string
	ProxyMode string
	Port      int32
	// Running is true when status.phase is Running (seed) or Ready (current).
	Running bool
	// URL is status.url, the proxy's endpoint.
	URL string
	// Tools are status.tools, the tool names the proxy reported.
	Tools []string
	// StatusContext is status.message.
	StatusContext string
}

// FromMCPServer maps an MCPServer to a Workload.
func FromMCPServer(s *v1alpha1.MCPServer) Workload {
	group := s.GroupName()
	if group == "" {
		group = s.Labels[GroupLabel]
	}
	if group == "" {
		group = DefaultGroup
	}
	return Workload{
		Name: s.Name, Namespace: s.Namespace, CreatedAt: s.CreationTimestamp.Time, Labels: s.Labels,
		Group: group, Package: s.Spec.Image, Transport: string(s.TransportOrDefault()),
		ProxyMode: string(s.ProxyModeOrDefault()), Port: s.ProxyPortOrDefault(),
		Running: s.Status.Phase == v1alpha1.PhaseReady || s.Status.Phase == "Running",
		URL:     s.Status.URL, Tools: s.Status.Tools, StatusContext: s.Status.Message,
	}
}

// Key names the workload in the index and in tool prefixes: the name, and
// the namespace too when several namespaces are watched.
func (w Workload) Key(allNamespaces bool) string {
	if allNamespaces {
		return w.Namespace + "." + w.Name
	}
	return w.Name
}

// Endpoint is the MCP URL to connect to and whether it speaks SSE: the
// status URL, with the transport's path added when it has none.
func (w Workload) Endpoint() (string, bool) {
	sse := w.ProxyMode == string(v1alpha1.ProxyModeSSE) || (w.Transport == string(v1alpha1.TransportSSE) && w.ProxyMode == "")
	u, err := url.Parse(w.URL)
	if err != nil || u.Path != "" && u.Path != "/" {
		return w.URL, sse || strings.HasSuffix(w.URL, "/sse")
	}
	u.Path = "/mcp"
	if sse {
		u.Path = "/sse"
	}
	return u.String(), sse
}

// Select keeps the running workloads of the allowed groups (all groups when
// allowed is empty).
func Select(ws []Workload, allowed []string) []Workload {
	var out []Workload
	for _, w := range ws {
		if !w.Running || w.URL == "" {
			continue
		}
		if len(allowed) > 0 && !contains(allowed, w.Group) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

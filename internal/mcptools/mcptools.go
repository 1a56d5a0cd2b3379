// Package mcptools lists the tools a VirtualMCPServer or MCPServer serves, through
// the kube-apiserver's service proxy (or any URL, e.g. a port-forward), and says
// which backend each tool comes from.
package mcptools

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Tool is one served tool and the backend it comes from ("" when it cannot be told).
type Tool struct {
	Name        string
	Backend     string
	Description string
}

// Target is what to connect to and how to attribute tools.
type Target struct {
	// Kind is VirtualMCPServer or MCPServer.
	Kind string
	// Service and Port (a port name) of the Service in front of it.
	Service, Port string
	// Path of the MCP endpoint on that Service.
	Path string
	// Attribution describes the aggregation, for VirtualMCPServers.
	Attribution Attribution
}

// Resolve finds the named VirtualMCPServer (or MCPServer) and its Service.
func Resolve(ctx context.Context, c client.Client, ns, name string) (*Target, error) {
	var v v1alpha1.VirtualMCPServer
	err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &v)
	if err == nil {
		return &Target{Kind: "VirtualMCPServer", Service: "vmcp-" + name, Port: "http", Path: "/mcp", Attribution: attributionOf(&v)}, nil
	}
	if client.IgnoreNotFound(err) != nil {
		return nil, fmt.Errorf("reading VirtualMCPServer %s: %w", name, err)
	}
	var s v1alpha1.MCPServer
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		if client.IgnoreNotFound(err) == nil {
			return nil, fmt.Errorf("no VirtualMCPServer or MCPServer %q in namespace %s", name, ns)
		}
		return nil, fmt.Errorf("reading MCPServer %s: %w", name, err)
	}
	path := "/mcp"
	if s.TransportOrDefault() == v1alpha1.TransportSSE || (s.TransportOrDefault() == v1alpha1.TransportStdio && s.ProxyModeOrDefault() == v1alpha1.ProxyModeSSE) {
		path = "/sse"
	}
	return &Target{Kind: "MCPServer", Service: "mcp-" + name + "-proxy", Port: "http", Path: path, Attribution: Attribution{Single: name}}, nil
}

// ServiceProxyURL is the apiserver URL that proxies to the target's Service.
func ServiceProxyURL(cfg *rest.Config, ns string, t *Target) string {
	return fmt.Sprintf("%s/api/v1/namespaces/%s/services/%s:%s/proxy%s", strings.TrimSuffix(cfg.Host, "/"), ns, t.Service, t.Port, t.Path)
}

// List connects to endpoint as an MCP client and returns its tools, sorted by name.
func List(ctx context.Context, hc *http.Client, endpoint string, a Attribution) ([]Tool, error) {
	c := mcp.NewClient(&mcp.Implementation{Name: "kubectl-mcp", Version: "0.1.0"}, nil)
	var tr mcp.Transport = &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc, MaxRetries: -1}
	if strings.HasSuffix(endpoint, "/sse") {
		tr = &mcp.SSEClientTransport{Endpoint: endpoint, HTTPClient: hc}
	}
	s, err := c.Connect(ctx, tr, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", endpoint, err)
	}
	defer s.Close()
	var out []Tool
	for t, err := range s.Tools(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("listing tools: %w", err)
		}
		out = append(out, Tool{Name: t.Name, Description: t.Description, Backend: a.BackendOf(t.Name)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Attribution is what tells a served tool's backend: the single server, or the
// vmcp's backends with their prefix format and overrides.
type Attribution struct {
	// Single is the only backend (an MCPServer).
	Single string
	// Backends are the VirtualMCPServer's discovered backends.
	Backends []string
	// PrefixFormat is set when the conflict resolution is prefix.
	PrefixFormat string
	// Renamed maps a tool name set by an override to its workload.
	Renamed map[string]string
}

func attributionOf(v *v1alpha1.VirtualMCPServer) Attribution {
	a := Attribution{Renamed: map[string]string{}}
	for _, b := range v.Status.DiscoveredBackends {
		a.Backends = append(a.Backends, b.Name)
	}
	agg := v.EffectiveAggregation()
	if agg == nil || agg.ConflictResolution == "" || agg.ConflictResolution == config.ConflictPrefix {
		a.PrefixFormat = config.DefaultPrefixFormat
		if agg != nil && agg.ConflictResolutionConfig != nil && agg.ConflictResolutionConfig.PrefixFormat != "" {
			a.PrefixFormat = agg.ConflictResolutionConfig.PrefixFormat
		}
	}
	if agg != nil {
		for _, w := range agg.Tools {
			for _, o := range w.Overrides {
				if o.Name != "" {
					a.Renamed[o.Name] = w.Workload
				}
			}
		}
	}
	return a
}

// BackendOf returns the backend a served tool comes from, or "" when the
// aggregation does not tell (e.g. priority or manual resolution without prefixes).
func (a Attribution) BackendOf(tool string) string {
	if a.Single != "" {
		return a.Single
	}
	if w, ok := a.Renamed[tool]; ok {
		return w
	}
	best := ""
	if a.PrefixFormat != "" {
		for _, b := range a.Backends {
			p := strings.ReplaceAll(a.PrefixFormat, "{workload}", b)
			if strings.HasPrefix(tool, p) && len(b) > len(best) {
				best = b // the longest match wins: "git" and "github" both prefix "github_x"
			}
		}
	}
	return best
}

package members

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Kinds of group members.
const (
	KindMCPServer      = "MCPServer"
	KindMCPRemoteProxy = "MCPRemoteProxy"
	KindMCPServerEntry = "MCPServerEntry"
)

// Group is what a namespace holds for one group: its members, unfiltered by state.
type Group struct {
	Servers []v1alpha1.MCPServer
	Proxies []v1alpha1.MCPRemoteProxy
	Entries []v1alpha1.MCPServerEntry
	// ConfigMaps are the data of the ConfigMaps the entries' caBundleRefs name (by
	// ConfigMap name; one that could not be read is absent). Only vmcp fills it.
	ConfigMaps map[string]map[string]string
}

// Member is one backend candidate of a group.
type Member struct {
	// Kind is MCPServer, MCPRemoteProxy or MCPServerEntry.
	Kind string
	// Name is the resource name, which is the backend (workload) name.
	Name string
	// URL is the MCP endpoint vmcp dials.
	URL string
	// Transport is streamable-http or sse.
	Transport config.Transport
	// AuthConfigRef is the member's externalAuthConfigRef name, or "".
	AuthConfigRef string
	// Headers is an MCPServerEntry's headerForward, added to every request vmcp sends it.
	Headers *v1alpha1.HeaderForward
	// CABundle is an MCPServerEntry's caBundleRef ConfigMap key: the CA certificates
	// vmcp verifies the remote server's TLS certificate with.
	CABundle *v1alpha1.ConfigMapKeyRef
	// Skipped, when not empty, says why the member is not used as a backend (an
	// MCPServerEntry the operator has not validated, a duplicate name).
	Skipped string
}

// List returns the group's members sorted by name. Members that must not be used
// carry a Skipped reason: an MCPServerEntry whose Valid condition is not True (its
// remote URL has not passed the SSRF rules) and a second member with a name already
// taken (kinds in the order MCPServer, MCPRemoteProxy, MCPServerEntry win).
func List(g Group) []Member {
	var out []Member
	for i := range g.Servers {
		out = append(out, serverMember(&g.Servers[i]))
	}
	for i := range g.Proxies {
		out = append(out, proxyMember(&g.Proxies[i]))
	}
	for i := range g.Entries {
		out = append(out, entryMember(&g.Entries[i]))
	}
	seen := map[string]string{}
	for i := range out {
		m := &out[i]
		if prev, dup := seen[m.Name]; dup && m.Skipped == "" {
			m.Skipped = fmt.Sprintf("the name is already used by %s %s in the group; rename one of them", prev, m.Name)
			continue
		}
		seen[m.Name] = m.Kind
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Usable returns the members that are not skipped.
func Usable(ms []Member) []Member {
	var out []Member
	for _, m := range ms {
		if m.Skipped == "" {
			out = append(out, m)
		}
	}
	return out
}

// serverMember reaches an MCPServer through its proxy Service: /mcp for
// streamable-http, /sse when the proxy exposes SSE.
func serverMember(s *v1alpha1.MCPServer) Member {
	base := s.Status.URL
	if base == "" {
		base = fmt.Sprintf("http://mcp-%s-proxy.%s.svc.cluster.local:%d", s.Name, s.Namespace, s.ProxyPortOrDefault())
	}
	sse := s.TransportOrDefault() == v1alpha1.TransportSSE ||
		(s.TransportOrDefault() == v1alpha1.TransportStdio && s.ProxyModeOrDefault() == v1alpha1.ProxyModeSSE)
	return Member{Kind: KindMCPServer, Name: s.Name, URL: withPath(base, sse), Transport: transport(sse),
		AuthConfigRef: refName(s.Spec.ExternalAuthConfigRef)}
}

// proxyMember reaches an MCPRemoteProxy through Service mcp-<name>-remote-proxy.
func proxyMember(p *v1alpha1.MCPRemoteProxy) Member {
	base := p.Status.URL
	if base == "" {
		base = fmt.Sprintf("http://mcp-%s-remote-proxy.%s.svc.cluster.local:%d", p.Name, p.Namespace, p.ProxyPortOrDefault())
	}
	sse := p.Spec.Transport == v1alpha1.RemoteTransportSSE
	return Member{Kind: KindMCPRemoteProxy, Name: p.Name, URL: withPath(base, sse), Transport: transport(sse),
		AuthConfigRef: refName(p.Spec.ExternalAuthConfigRef)}
}

// entryMember reaches an MCPServerEntry at its remote URL, once the operator validated it.
func entryMember(e *v1alpha1.MCPServerEntry) Member {
	m := Member{Kind: KindMCPServerEntry, Name: e.Name, URL: e.Spec.RemoteURL,
		Transport: transport(e.Spec.Transport == v1alpha1.RemoteTransportSSE), AuthConfigRef: refName(e.Spec.ExternalAuthConfigRef),
		Headers: e.Spec.HeaderForward}
	if e.Spec.CABundleRef != nil {
		m.CABundle = &e.Spec.CABundleRef.ConfigMapRef.ConfigMapKeyRef
	}
	valid := meta.FindStatusCondition(e.Status.Conditions, v1alpha1.ConditionValid)
	switch {
	case valid == nil:
		m.Skipped = "not validated by the operator yet"
	case valid.Status != "True":
		m.Skipped = "invalid: " + valid.Message
	case valid.ObservedGeneration != 0 && valid.ObservedGeneration < e.Generation:
		m.Skipped = "changed since the operator validated it"
	}
	return m
}

func transport(sse bool) config.Transport {
	if sse {
		return config.TransportSSE
	}
	return config.TransportStreamableHTTP
}

func withPath(base string, sse bool) string {
	if sse {
		return base + "/sse"
	}
	return base + "/mcp"
}

func refName(r *v1alpha1.LocalObjectReference) string {
	if r == nil {
		return ""
	}
	return r.Name
}

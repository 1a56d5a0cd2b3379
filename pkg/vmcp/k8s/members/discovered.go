package members

import (
	"fmt"
	"strings"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Discovery is the membership of a VirtualMCPServer as the operator reports it in
// status.discoveredBackends: what will be served and what is left out and why,
// without any health (that is vmcp's to report).
type Discovery struct {
	// Backends has one entry per name: the static backends first (they win a name),
	// then the group's members by name. Served entries have no status yet; entries
	// left out carry their status and, in message, the reason.
	Backends []v1alpha1.DiscoveredBackend
	// LeftOut names the entries of Backends that are not served.
	LeftOut map[string]bool
	// Shadowed says which members were dropped because an earlier entry has their
	// name (status.discoveredBackends is keyed by name).
	Shadowed []string
}

// Served is the number of backends that will be served.
func (d Discovery) Served() int { return len(d.Backends) - len(d.LeftOut) }

// Discover lists the static backends and every member (all, as List returns them)
// with the outgoing auth auth resolved for them: the same inputs vmcp serves from
// (Compute), so the operator's report and vmcp's backends agree.
func Discover(static []config.StaticBackend, all []Member, auth Resolved) Discovery {
	d := Discovery{LeftOut: map[string]bool{}}
	seen := map[string]bool{}
	for _, sb := range static {
		if seen[sb.Name] {
			continue
		}
		seen[sb.Name] = true
		d.Backends = append(d.Backends, v1alpha1.DiscoveredBackend{Name: sb.Name, URL: sb.URL, AuthType: authTypeOf(auth.OutgoingAuth, sb.Name)})
	}
	for _, m := range all {
		if seen[m.Name] {
			why := m.Skipped
			if why == "" {
				why = "the name is already used by a static backend in spec.config.backends; rename one of them"
			}
			d.Shadowed = append(d.Shadowed, fmt.Sprintf("%s %s is not used: %s", m.Kind, m.Name, why))
			continue
		}
		seen[m.Name] = true
		b := v1alpha1.DiscoveredBackend{Name: m.Name, URL: m.URL, AuthType: authTypeOf(auth.OutgoingAuth, m.Name), AuthConfigRef: auth.Refs[m.Name]}
		switch problem, excluded := auth.Excluded[m.Name]; {
		case m.Skipped != "":
			b = LeftOutEntry(m)
		case excluded:
			b.AuthType, b.AuthConfigRef = "", m.AuthConfigRef
			b.Status, b.Message = v1alpha1.BackendUnavailable, fmt.Sprintf("%s %s is left out until its outgoing auth resolves: %s", m.Kind, m.Name, problem)
		}
		if b.Status != "" {
			d.LeftOut[m.Name] = true
		}
		d.Backends = append(d.Backends, b)
	}
	return d
}

// LeftOutEntry is the status entry of a member List marked Skipped: unknown while the
// operator has not validated it (yet, or since its last change), unavailable otherwise.
func LeftOutEntry(m Member) v1alpha1.DiscoveredBackend {
	st := v1alpha1.BackendUnavailable
	if strings.HasPrefix(m.Skipped, "not validated") || strings.HasPrefix(m.Skipped, "changed since") {
		st = v1alpha1.BackendUnknown
	}
	return v1alpha1.DiscoveredBackend{Name: m.Name, URL: m.URL, Status: st,
		Message: fmt.Sprintf("%s %s is not used: %s", m.Kind, m.Name, m.Skipped)}
}

// authTypeOf is the strategy type a backend uses: its own entry, else the default.
func authTypeOf(o *config.OutgoingAuth, name string) string {
	if o == nil {
		return ""
	}
	if s, ok := o.Backends[name]; ok {
		return string(s.Type)
	}
	if o.Default != nil {
		return string(o.Default.Type)
	}
	return ""
}

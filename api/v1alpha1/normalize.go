package v1alpha1

import (
	"fmt"
	"reflect"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Normalisation turns a resource written in a legacy form into its current form.
// Each kind has one Normalize method that returns a normalised copy of the spec
// (the receiver is never modified) and one human-readable warning per legacy form
// found; controllers put the warnings into a Deprecated condition or event and
// reconcile the normalised spec only. Accessors (GroupName, ProxyPortOrDefault,
// MCPPort, ...) answer single questions the same way without a full copy.
//
// Legacy forms handled:
//   - groupRef as a plain string (MCPServer, MCPRemoteProxy, MCPServerEntry, VirtualMCPServer)
//   - MCPServer port / targetPort (current: proxyPort / mcpPort)
//   - VirtualMCPServer spec.config.groupRef (current: spec.groupRef)
//   - VirtualMCPServer top-level spec.aggregation / spec.operational
//     (current: spec.config.aggregation / spec.config.operational)
//   - VirtualMCPServer inline spec.incomingAuth.oidcConfig (current: oidcConfigRef);
//     inline OIDC has no other current form, so it is kept and only warned about.

// groupRefWarning returns the deprecation warning for a legacy string groupRef at path.
func groupRefWarning(path string, g *GroupRef) []string {
	if g == nil || !g.LegacyString {
		return nil
	}
	return []string{fmt.Sprintf("%s: the plain-string form %q is deprecated; write %s: {name: %s}", path, g.Name, path, g.Name)}
}

// currentGroupRef returns the object form of g (nil stays nil; invalid forms are kept
// so the controller can still report them).
func currentGroupRef(g *GroupRef) *GroupRef {
	if g == nil {
		return nil
	}
	out := *g
	out.LegacyString = false
	return &out
}

// GroupName returns the name of the MCPGroup the server belongs to, or "" when it
// has none or the reference is invalid (see GroupRef.Problem).
func (s *MCPServer) GroupName() string { return groupName(s.Spec.GroupRef) }

// ProxyPortOrDefault returns the proxy port: proxyPort, else the legacy port, else 8080.
func (s *MCPServer) ProxyPortOrDefault() int32 {
	switch {
	case s.Spec.ProxyPort != nil:
		return *s.Spec.ProxyPort
	case s.Spec.Port != nil:
		return *s.Spec.Port
	}
	return DefaultProxyPort
}

// MCPPort returns the container port of an HTTP/SSE server: mcpPort, else the
// legacy targetPort, else 0 (unset; stdio servers have none).
func (s *MCPServer) MCPPort() int32 {
	switch {
	case s.Spec.MCPPort != nil:
		return *s.Spec.MCPPort
	case s.Spec.TargetPort != nil:
		return *s.Spec.TargetPort
	}
	return 0
}

// TransportOrDefault returns spec.transport, or stdio when it is empty (the API
// server defaults it; objects built in Go may not be).
func (s *MCPServer) TransportOrDefault() Transport {
	if s.Spec.Transport == "" {
		return TransportStdio
	}
	return s.Spec.Transport
}

// ProxyModeOrDefault returns spec.proxyMode, or streamable-http when it is empty.
func (s *MCPServer) ProxyModeOrDefault() ProxyMode {
	if s.Spec.ProxyMode == "" {
		return ProxyModeStreamableHTTP
	}
	return s.Spec.ProxyMode
}

// Normalize returns the spec in its current form (groupRef as an object, proxyPort
// and mcpPort instead of port and targetPort) and a warning per legacy form used.
func (s *MCPServer) Normalize() (MCPServerSpec, []string) {
	spec := *s.Spec.DeepCopy()
	warnings := groupRefWarning("spec.groupRef", spec.GroupRef)
	spec.GroupRef = currentGroupRef(spec.GroupRef)
	if spec.Port != nil {
		if spec.ProxyPort == nil {
			spec.ProxyPort = spec.Port
		}
		spec.Port = nil
		warnings = append(warnings, fmt.Sprintf("spec.port is deprecated; write spec.proxyPort: %d", *spec.ProxyPort))
	}
	if spec.TargetPort != nil {
		if spec.MCPPort == nil {
			spec.MCPPort = spec.TargetPort
		}
		spec.TargetPort = nil
		warnings = append(warnings, fmt.Sprintf("spec.targetPort is deprecated; write spec.mcpPort: %d", *spec.MCPPort))
	}
	return spec, warnings
}

// GroupName returns the name of the MCPGroup the proxy belongs to, or "".
func (p *MCPRemoteProxy) GroupName() string { return groupName(p.Spec.GroupRef) }

// ProxyPortOrDefault returns spec.proxyPort, or 8080 when it is unset.
func (p *MCPRemoteProxy) ProxyPortOrDefault() int32 {
	if p.Spec.ProxyPort == 0 {
		return DefaultProxyPort
	}
	return p.Spec.ProxyPort
}

// Normalize returns the spec with groupRef in its object form and a warning per legacy form used.
func (p *MCPRemoteProxy) Normalize() (MCPRemoteProxySpec, []string) {
	spec := *p.Spec.DeepCopy()
	warnings := groupRefWarning("spec.groupRef", spec.GroupRef)
	spec.GroupRef = currentGroupRef(spec.GroupRef)
	return spec, warnings
}

// GroupName returns the name of the MCPGroup the entry belongs to, or "".
func (e *MCPServerEntry) GroupName() string { return groupName(e.Spec.GroupRef) }

// Normalize returns the spec with groupRef in its object form and a warning per legacy form used.
func (e *MCPServerEntry) Normalize() (MCPServerEntrySpec, []string) {
	spec := *e.Spec.DeepCopy()
	warnings := groupRefWarning("spec.groupRef", spec.GroupRef)
	spec.GroupRef = currentGroupRef(spec.GroupRef)
	return spec, warnings
}

// GroupName returns the MCPGroup whose members are the backends: spec.groupRef,
// else the legacy spec.config.groupRef, else "" (inline mode, or an invalid reference).
func (v *VirtualMCPServer) GroupName() string {
	if n := groupName(v.Spec.GroupRef); n != "" {
		return n
	}
	if v.Spec.GroupRef == nil && v.Spec.Config != nil {
		return v.Spec.Config.GroupRef
	}
	return ""
}

// EffectiveAggregation returns config.aggregation, else the legacy top-level
// aggregation, else nil. The API server refuses both at once.
func (v *VirtualMCPServer) EffectiveAggregation() *config.Aggregation {
	if v.Spec.Config != nil && v.Spec.Config.Aggregation != nil {
		return v.Spec.Config.Aggregation
	}
	return v.Spec.Aggregation
}

// EffectiveOperational returns config.operational, else the legacy top-level
// operational, else nil. The API server refuses both at once.
func (v *VirtualMCPServer) EffectiveOperational() *config.Operational {
	if v.Spec.Config != nil && v.Spec.Config.Operational != nil {
		return v.Spec.Config.Operational
	}
	return v.Spec.Operational
}

// Normalize returns the spec in its current form and a warning per legacy form:
// groupRef as an object in spec.groupRef (moved from spec.config.groupRef),
// aggregation and operational inside spec.config. When both spec.groupRef and
// spec.config.groupRef are set and differ, spec.groupRef wins and a warning says so.
func (v *VirtualMCPServer) Normalize() (VirtualMCPServerSpec, []string) {
	spec := *v.Spec.DeepCopy()
	warnings := groupRefWarning("spec.groupRef", spec.GroupRef)
	spec.GroupRef = currentGroupRef(spec.GroupRef)
	if spec.Config != nil && spec.Config.GroupRef != "" {
		legacy := spec.Config.GroupRef
		switch {
		case spec.GroupRef == nil:
			spec.GroupRef = &GroupRef{Name: legacy}
			warnings = append(warnings, fmt.Sprintf("spec.config.groupRef is deprecated; write spec.groupRef: {name: %s}", legacy))
		case spec.GroupRef.Name != legacy:
			warnings = append(warnings, fmt.Sprintf("spec.config.groupRef %q is ignored because spec.groupRef names %q; remove spec.config.groupRef", legacy, spec.GroupRef.Name))
		default:
			warnings = append(warnings, "spec.config.groupRef repeats spec.groupRef; remove spec.config.groupRef")
		}
		spec.Config.GroupRef = ""
	}
	if spec.Aggregation != nil {
		spec.Config = ensureConfig(spec.Config)
		if spec.Config.Aggregation == nil {
			spec.Config.Aggregation = spec.Aggregation
		}
		spec.Aggregation = nil
		warnings = append(warnings, "spec.aggregation is deprecated; move it to spec.config.aggregation")
	}
	if spec.Operational != nil {
		spec.Config = ensureConfig(spec.Config)
		if spec.Config.Operational == nil {
			spec.Config.Operational = spec.Operational
		}
		spec.Operational = nil
		warnings = append(warnings, "spec.operational is deprecated; move it to spec.config.operational")
	}
	if spec.IncomingAuth != nil && spec.IncomingAuth.OIDCConfig != nil {
		warnings = append(warnings, "spec.incomingAuth.oidcConfig (inline) is deprecated; put the OIDC settings in a ConfigMap and reference it with spec.incomingAuth.oidcConfigRef")
	}
	if spec.Config != nil && reflect.DeepEqual(*spec.Config, config.Config{}) {
		spec.Config = nil // it only held legacy fields that moved out
	}
	return spec, warnings
}

func ensureConfig(c *config.Config) *config.Config {
	if c == nil {
		return &config.Config{}
	}
	return c
}

// groupName returns the referenced group's name, or "" for nil or invalid references.
func groupName(g *GroupRef) string {
	if g == nil || g.Invalid != "" {
		return ""
	}
	return g.Name
}

// LegacyConfigMap returns the ConfigMap key an oidcConfigRef names in its legacy form
// ({name, key} or {name} without audience), or nil when it names an MCPOIDCConfig.
func (r *OIDCConfigRef) LegacyConfigMap() *ConfigMapKeyRef {
	if r == nil || (r.Key == "" && r.Audience != "") {
		return nil
	}
	return &ConfigMapKeyRef{Name: r.Name, Key: r.Key}
}

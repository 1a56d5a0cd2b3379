package v1alpha1

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// decode reads a YAML manifest into obj the way the API machinery does (JSON tags,
// custom unmarshalers), refusing unknown fields.
func decode(t *testing.T, manifest string, obj any) {
	t.Helper()
	if err := yaml.UnmarshalStrict([]byte(manifest), obj); err != nil {
		t.Fatalf("decoding:\n%s\n%v", manifest, err)
	}
}

// normalizer is what every kind with legacy forms offers.
type normalizer[S any] interface{ Normalize() (S, []string) }

// checkSameNormalForm decodes legacy and current, normalises both, and checks they
// give the same spec, that legacy yields warnings and current none.
func checkSameNormalForm[S any, T normalizer[S]](t *testing.T, legacy, current string, newObj func() T) {
	t.Helper()
	l, c := newObj(), newObj()
	decode(t, legacy, l)
	decode(t, current, c)
	ls, lw := l.Normalize()
	cs, cw := c.Normalize()
	if diff := cmp.Diff(cs, ls); diff != "" {
		t.Fatalf("normalised legacy differs from normalised current (-current +legacy):\n%s", diff)
	}
	if len(lw) == 0 {
		t.Fatal("legacy form gave no deprecation warning")
	}
	if len(cw) != 0 {
		t.Fatalf("current form gave warnings: %v", cw)
	}
	for _, w := range lw {
		if !strings.Contains(w, "spec.") {
			t.Errorf("warning does not name the field: %q", w)
		}
	}
}

func TestMCPServerNormalize(t *testing.T) {
	tests := map[string]struct{ legacy, current string }{
		"string groupRef": {
			legacy:  "spec: {image: i, groupRef: my-services}",
			current: "spec: {image: i, groupRef: {name: my-services}}",
		},
		"port and targetPort": {
			legacy:  "spec: {image: i, transport: streamable-http, port: 8080, targetPort: 9090}",
			current: "spec: {image: i, transport: streamable-http, proxyPort: 8080, mcpPort: 9090}",
		},
		"port only": {
			legacy:  "spec: {image: i, port: 9000}",
			current: "spec: {image: i, proxyPort: 9000}",
		},
		"port repeated beside proxyPort": {
			legacy:  "spec: {image: i, port: 8080, proxyPort: 8080}",
			current: "spec: {image: i, proxyPort: 8080}",
		},
		"every legacy form at once": {
			legacy:  "spec: {image: i, groupRef: g, port: 8081, targetPort: 3000}",
			current: "spec: {image: i, groupRef: {name: g}, proxyPort: 8081, mcpPort: 3000}",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			checkSameNormalForm(t, tc.legacy, tc.current, func() *MCPServer { return &MCPServer{} })
		})
	}
}

func TestMCPRemoteProxyNormalize(t *testing.T) {
	checkSameNormalForm(t,
		"spec: {remoteUrl: 'https://r/mcp', groupRef: g}",
		"spec: {remoteUrl: 'https://r/mcp', groupRef: {name: g}}",
		func() *MCPRemoteProxy { return &MCPRemoteProxy{} })
}

func TestMCPServerEntryNormalize(t *testing.T) {
	checkSameNormalForm(t,
		"spec: {remoteUrl: 'https://r/mcp', transport: sse, groupRef: g}",
		"spec: {remoteUrl: 'https://r/mcp', transport: sse, groupRef: {name: g}}",
		func() *MCPServerEntry { return &MCPServerEntry{} })
}

func TestVirtualMCPServerNormalize(t *testing.T) {
	tests := map[string]struct{ legacy, current string }{
		"config.groupRef": {
			legacy:  "spec: {config: {groupRef: my-services}, incomingAuth: {type: anonymous}}",
			current: "spec: {groupRef: {name: my-services}, incomingAuth: {type: anonymous}}",
		},
		"string groupRef": {
			legacy:  "spec: {groupRef: my-services, incomingAuth: {type: anonymous}}",
			current: "spec: {groupRef: {name: my-services}, incomingAuth: {type: anonymous}}",
		},
		"top-level aggregation": {
			legacy:  "spec: {groupRef: {name: g}, incomingAuth: {type: anonymous}, aggregation: {conflictResolution: prefix, conflictResolutionConfig: {prefixFormat: '{workload}_'}}}",
			current: "spec: {groupRef: {name: g}, incomingAuth: {type: anonymous}, config: {aggregation: {conflictResolution: prefix, conflictResolutionConfig: {prefixFormat: '{workload}_'}}}}",
		},
		"top-level operational": {
			legacy:  "spec: {groupRef: {name: g}, incomingAuth: {type: anonymous}, operational: {timeouts: {default: 60s, perWorkload: {slow-backend: 120s}}}}",
			current: "spec: {groupRef: {name: g}, incomingAuth: {type: anonymous}, config: {operational: {timeouts: {default: 60s, perWorkload: {slow-backend: 120s}}}}}",
		},
		"seed 000 migration example": {
			legacy: `spec:
  config:
    groupRef: my-services
  incomingAuth:
    type: anonymous
  outgoingAuth:
    source: discovered
  aggregation:
    conflictResolution: prefix
  operational:
    failureHandling:
      partialFailureMode: best_effort`,
			current: `spec:
  groupRef:
    name: my-services
  incomingAuth:
    type: anonymous
  outgoingAuth:
    source: discovered
  config:
    aggregation:
      conflictResolution: prefix
    operational:
      failureHandling:
        partialFailureMode: best_effort`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			checkSameNormalForm(t, tc.legacy, tc.current, func() *VirtualMCPServer { return &VirtualMCPServer{} })
		})
	}
}

func TestVirtualMCPServerGroupRefConflictWarns(t *testing.T) {
	v := &VirtualMCPServer{}
	decode(t, "spec: {groupRef: {name: a}, config: {groupRef: b}, incomingAuth: {type: anonymous}}", v)
	spec, warnings := v.Normalize()
	if spec.GroupRef.Name != "a" || spec.Config != nil {
		t.Fatalf("spec.groupRef must win and config.groupRef be dropped: got groupRef %+v, config %+v", spec.GroupRef, spec.Config)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"b" is ignored`) {
		t.Fatalf("want one warning about the ignored config.groupRef, got %v", warnings)
	}
	if v.GroupName() != "a" {
		t.Fatalf("GroupName() = %q, want a", v.GroupName())
	}
}

func TestNormalizeDoesNotModifyTheResource(t *testing.T) {
	v := &VirtualMCPServer{}
	decode(t, "spec: {config: {groupRef: g}, aggregation: {conflictResolution: prefix}, incomingAuth: {type: anonymous}}", v)
	before := v.DeepCopy()
	v.Normalize()
	if diff := cmp.Diff(before, v); diff != "" {
		t.Fatalf("Normalize modified its receiver:\n%s", diff)
	}
}

func TestAccessors(t *testing.T) {
	tests := map[string]struct {
		manifest           string
		group              string
		proxyPort, mcpPort int32
		transport          Transport
		proxyMode          ProxyMode
	}{
		"defaults":         {manifest: "spec: {image: i}", proxyPort: 8080, transport: TransportStdio, proxyMode: ProxyModeStreamableHTTP},
		"current":          {manifest: "spec: {image: i, groupRef: {name: g}, proxyPort: 9000, mcpPort: 3000, transport: sse, proxyMode: sse}", group: "g", proxyPort: 9000, mcpPort: 3000, transport: TransportSSE, proxyMode: ProxyModeSSE},
		"legacy":           {manifest: "spec: {image: i, groupRef: g, port: 9001, targetPort: 3001}", group: "g", proxyPort: 9001, mcpPort: 3001, transport: TransportStdio, proxyMode: ProxyModeStreamableHTTP},
		"invalid groupRef": {manifest: "spec: {image: i, groupRef: 7}", proxyPort: 8080, transport: TransportStdio, proxyMode: ProxyModeStreamableHTTP},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := &MCPServer{}
			decode(t, tc.manifest, s)
			got := []any{s.GroupName(), s.ProxyPortOrDefault(), s.MCPPort(), s.TransportOrDefault(), s.ProxyModeOrDefault()}
			want := []any{tc.group, tc.proxyPort, tc.mcpPort, tc.transport, tc.proxyMode}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestVirtualMCPServerAccessors(t *testing.T) {
	tests := map[string]struct {
		manifest    string
		group       string
		aggregation bool
		operational bool
	}{
		"current":         {manifest: "spec: {groupRef: {name: g}, config: {aggregation: {conflictResolution: prefix}, operational: {timeouts: {default: 5s}}}}", group: "g", aggregation: true, operational: true},
		"legacy":          {manifest: "spec: {config: {groupRef: g}, aggregation: {conflictResolution: prefix}, operational: {timeouts: {default: 5s}}}", group: "g", aggregation: true, operational: true},
		"inline backends": {manifest: "spec: {config: {backends: [{name: b, url: 'http://127.0.0.1:1/mcp'}]}}"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := &VirtualMCPServer{}
			decode(t, tc.manifest, v)
			if v.GroupName() != tc.group || (v.EffectiveAggregation() != nil) != tc.aggregation || (v.EffectiveOperational() != nil) != tc.operational {
				t.Fatalf("GroupName %q, aggregation %v, operational %v; want %q, %v, %v",
					v.GroupName(), v.EffectiveAggregation() != nil, v.EffectiveOperational() != nil, tc.group, tc.aggregation, tc.operational)
			}
		})
	}
}

// TestSeedsDecodeIntoGoTypes decodes every seed manifest strictly into the Go
// types (unknown fields fail) and normalises it, so controllers can read every
// manifest the API server accepts.
func TestSeedsDecodeIntoGoTypes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "test", "testdata", "seeds", "*.yaml"))
	if err != nil || len(files) < 18 {
		t.Fatalf("expected at least 18 seeds, found %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var meta struct {
				Kind string `json:"kind"`
			}
			if err := yaml.Unmarshal(data, &meta); err != nil {
				t.Fatal(err)
			}
			var obj interface{ GroupName() string }
			switch meta.Kind {
			case "MCPServer":
				obj = &MCPServer{}
			case "MCPRemoteProxy":
				obj = &MCPRemoteProxy{}
			case "MCPServerEntry":
				obj = &MCPServerEntry{}
			case "VirtualMCPServer":
				obj = &VirtualMCPServer{}
			case "MCPGroup":
				if err := yaml.UnmarshalStrict(data, &MCPGroup{}); err != nil {
					t.Fatalf("strict decode: %v", err)
				}
				return
			default:
				t.Fatalf("unexpected kind %q", meta.Kind)
			}
			if err := yaml.UnmarshalStrict(data, obj); err != nil {
				t.Fatalf("strict decode: %v", err)
			}
			// A seed that names a group in any form must yield it through GroupName.
			if strings.Contains(string(data), "groupRef:") && obj.GroupName() == "" {
				t.Fatalf("seed names a group but GroupName() is empty")
			}
		})
	}
}

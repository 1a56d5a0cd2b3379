package controllers

import (
	"context"
	"flag"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// vmcpFixture is a VirtualMCPServer manifest and the objects it references.
type vmcpFixture struct {
	manifest string
	in       vmcpConfigInputs
}

func vmcpFixtures() map[string]vmcpFixture {
	entry := func(name, ref string) v1alpha1.MCPServerEntry {
		e := v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team"},
			Spec: v1alpha1.MCPServerEntrySpec{RemoteURL: "https://" + name + ".example.com/mcp", Transport: v1alpha1.RemoteTransportStreamableHTTP}}
		if ref != "" {
			e.Spec.ExternalAuthConfigRef = &v1alpha1.LocalObjectReference{Name: ref}
		}
		e.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionValid, Status: metav1.ConditionTrue}}
		return e
	}
	group := members.List(members.Group{
		Servers: []v1alpha1.MCPServer{{ObjectMeta: metav1.ObjectMeta{Name: "github", Namespace: "team"}}},
		Entries: []v1alpha1.MCPServerEntry{entry("jira", "jira-token"), entry("docs", "")},
	})
	auth := map[string]*v1alpha1.MCPExternalAuthConfig{
		"jira-token": {ObjectMeta: metav1.ObjectMeta{Name: "jira-token"}, Spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthBearerToken,
			BearerToken: &v1alpha1.BearerTokenConfig{TokenSecretRef: v1alpha1.SecretKeyRef{Name: "jira", Key: "token"}}}},
		"gh-header": {ObjectMeta: metav1.ObjectMeta{Name: "gh-header"}, Spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthHeaderInjection,
			HeaderInjection: &v1alpha1.HeaderInjectionConfig{HeaderName: "X-GitHub-Token", ValueSecretRef: v1alpha1.SecretKeyRef{Name: "gh", Key: "pat"}}}},
	}
	tools := map[string]*v1alpha1.MCPToolConfig{"readonly": {ObjectMeta: metav1.ObjectMeta{Name: "readonly"},
		Spec: v1alpha1.MCPToolConfigSpec{ToolsFilter: []string{"get_issue", "search"}, ToolsOverride: map[string]config.ToolOverride{"search": {Name: "find_issues"}}}}}
	return map[string]vmcpFixture{
		// The seed's form (legacy config.groupRef and top-level aggregation), discovered auth.
		"discovered": {manifest: `
spec:
  config:
    groupRef: services
    aggregation:
      tools:
        - workload: jira
          toolConfigRef: {name: readonly}
  incomingAuth:
    type: anonymous
    authzConfig: {type: inline, inline: {policies: ['permit(principal, action, resource);']}}
  outgoingAuth:
    source: discovered
`, in: vmcpConfigInputs{members: members.Usable(group), authConfigs: auth, toolConfigs: tools}},
		// Two replicas sharing sessions on Redis: the password and CA come from Secrets
		// (an env var and a volume), never the ConfigMap.
		"redis-sessions": {manifest: `
spec:
  groupRef: {name: services}
  incomingAuth: {type: anonymous}
  replicas: 2
  sessionAffinity: None
  sessionStorage:
    provider: redis
    address: redis.team.svc:6379
    db: 3
    passwordRef: {name: redis-auth, key: password}
    tls:
      caCertSecretRef: {name: redis-tls, key: ca.pem}
`, in: vmcpConfigInputs{members: members.Usable(group), authConfigs: auth}},
		"inline": {manifest: `
spec:
  groupRef: {name: services}
  incomingAuth: {type: anonymous}
  outgoingAuth:
    source: inline
    default: {type: discovered}
    backends:
      github: {type: externalAuthConfigRef, externalAuthConfigRef: {name: gh-header}}
  config:
    aggregation:
      conflictResolution: priority
      conflictResolutionConfig: {priorityOrder: [github, jira]}
    operational:
      failureHandling: {partialFailureMode: best_effort}
`, in: vmcpConfigInputs{members: members.Usable(group), authConfigs: auth}},
	}
}

// TestVMCPConfigMapGolden resolves each fixture, renders the chart and compares the
// ConfigMap (and the Deployment's env, which carries the secrets) with its golden.
func TestVMCPConfigMapGolden(t *testing.T) {
	r, err := newTestRenderer()
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options{VMCPImage: "vmcp:test", OperandEnv: testOperandEnv}
	for name, f := range vmcpFixtures() {
		t.Run(name, func(t *testing.T) {
			v := &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: "services-vmcp", Namespace: "team"}}
			if err := yaml.UnmarshalStrict([]byte(f.manifest), v); err != nil {
				t.Fatal(err)
			}
			spec, _ := v.Normalize()
			// The fixtures' incoming auth reads no object: the resolver needs no reader.
			incoming, err := resolveIncomingAuth(context.Background(), nil, v.Namespace, vmcpIncomingAuthInput(spec.IncomingAuth))
			if err != nil {
				t.Fatal(err)
			}
			f.in.incoming = incoming
			res := resolveVMCPConfig(v.Name, spec, f.in)
			if p := append(append(res.authProblems, res.compositeProblems...), res.configProblems...); len(p) > 0 {
				t.Fatalf("problems: %v", p)
			}
			values, err := buildVMCPValues(v, spec, res.cfg, res.env, f.in.members, opts)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := r.Render(virtualMCPServerGK, render.Release{Name: v.Name, Namespace: v.Namespace}, values)
			if err != nil {
				t.Fatal(err)
			}
			cm := render.Find(objs, "ConfigMap", "services-vmcp-vmcp-config")
			dep := render.Find(objs, "Deployment", "services-vmcp")
			if cm == nil || dep == nil {
				t.Fatalf("rendered %d objects without the ConfigMap or Deployment", len(objs))
			}
			env, _, _ := unstructuredNested(dep.Object, "spec", "template", "spec", "containers")
			volumes, _, _ := unstructured.NestedFieldNoCopy(dep.Object, "spec", "template", "spec", "volumes")
			containers, _, _ := unstructured.NestedSlice(dep.Object, "spec", "template", "spec", "containers")
			mounts, _, _ := unstructured.NestedFieldNoCopy(containers[0].(map[string]any), "volumeMounts")
			replicas, _, _ := unstructured.NestedFieldNoCopy(dep.Object, "spec", "replicas")
			got, err := yaml.Marshal(map[string]any{"configMap": cm.Object, "vmcpContainerEnv": env,
				"volumes": volumes, "vmcpVolumeMounts": mounts, "replicas": replicas})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "vmcp", name+".golden.yaml")
			if *updateGolden {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestVMCPConfigMapGolden -update)", err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Fatalf("%s differs (-want +got; -update if intended):\n%s", path, d)
			}
			if strings.Contains(string(got), "secretValue") {
				t.Fatal("a secret value reached the rendered objects")
			}
		})
	}
}

// unstructuredNested returns the env of the first container of a rendered pod spec.
func unstructuredNested(obj map[string]any, path ...string) (any, bool, error) {
	var cur any = obj
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false, nil
		}
		cur = m[p]
	}
	list, ok := cur.([]any)
	if !ok || len(list) == 0 {
		return nil, false, nil
	}
	c, _ := list[0].(map[string]any)
	return c["env"], true, nil
}

// TestVMCPConfigProblems checks that what cannot work is reported in the right condition input.
func TestVMCPConfigProblems(t *testing.T) {
	ms := []members.Member{{Name: "a", URL: "http://a/mcp", AuthConfigRef: "gone"}}
	tests := map[string]struct {
		spec                             string
		wantAuth, wantComp, wantExcluded bool
		wantConfig                       string
	}{
		// issue 10 item 12: a member's own missing MCPExternalAuthConfig leaves it out only.
		"missing auth config":        {spec: `{groupRef: {name: g}, incomingAuth: {type: anonymous}}`, wantExcluded: true},
		"missing composite":          {spec: `{groupRef: {name: g}, incomingAuth: {type: anonymous}, outgoingAuth: {source: inline}, config: {compositeToolRefs: [{name: nope}]}}`, wantComp: true},
		"override removed by filter": {spec: `{groupRef: {name: g}, incomingAuth: {type: anonymous}, outgoingAuth: {source: inline}, config: {aggregation: {tools: [{workload: a, filter: [x], overrides: {y: {name: z}}}]}}}`, wantConfig: "removed by filter"},
		"missing tool config":        {spec: `{groupRef: {name: g}, incomingAuth: {type: anonymous}, outgoingAuth: {source: inline}, config: {aggregation: {tools: [{workload: a, toolConfigRef: {name: nope}}]}}}`, wantConfig: "MCPToolConfig \"nope\" not found"},
		"missing oidc configmap":     {spec: `{groupRef: {name: g}, incomingAuth: {type: oidc, oidcConfigRef: {name: oidc}}, outgoingAuth: {source: inline}}`, wantAuth: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var spec v1alpha1.VirtualMCPServerSpec
			if err := yaml.UnmarshalStrict([]byte(tc.spec), &spec); err != nil {
				t.Fatal(err)
			}
			res := resolveVMCPConfig("v", spec, vmcpConfigInputs{members: ms})
			if (len(res.excluded) > 0) != tc.wantExcluded {
				t.Fatalf("excluded %v, want some: %v", res.excluded, tc.wantExcluded)
			}
			if (len(res.authProblems) > 0) != tc.wantAuth || (len(res.compositeProblems) > 0) != tc.wantComp ||
				(tc.wantConfig == "") != (len(res.configProblems) == 0) || !strings.Contains(strings.Join(res.configProblems, ";"), tc.wantConfig) {
				t.Fatalf("auth %v, composite %v, config %v", res.authProblems, res.compositeProblems, res.configProblems)
			}
		})
	}
}

// TestVMCPValidatesWhatVMCPServes: discovered backends and their outgoing auth are left
// to vmcp (not written into the file), yet the controller validates the configuration
// vmcp will serve with them: a member's token exchange without OIDC incoming auth is
// refused, as vmcp would refuse it.
func TestVMCPValidatesWhatVMCPServes(t *testing.T) {
	ms := []members.Member{{Name: "a", URL: "http://a/mcp", Transport: "streamable-http", AuthConfigRef: "exchange"}}
	auth := map[string]*v1alpha1.MCPExternalAuthConfig{"exchange": {ObjectMeta: metav1.ObjectMeta{Name: "exchange"},
		Spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthTokenExchange,
			TokenExchange: &v1alpha1.TokenExchangeConfig{TokenURL: "https://idp/token", Audience: "a"}}}}
	var spec v1alpha1.VirtualMCPServerSpec
	if err := yaml.UnmarshalStrict([]byte(`{groupRef: {name: g}, incomingAuth: {type: anonymous}, outgoingAuth: {source: discovered}}`), &spec); err != nil {
		t.Fatal(err)
	}
	res := resolveVMCPConfig("v", spec, vmcpConfigInputs{members: ms, authConfigs: auth})
	if !strings.Contains(strings.Join(res.configProblems, ";"), "token_exchange needs incomingAuth type oidc") {
		t.Fatalf("config problems %v, want the token exchange refused", res.configProblems)
	}
	if res.cfg.OutgoingAuth != nil || len(res.cfg.Backends) != 0 {
		t.Fatalf("the file carries vmcp's part: backends %v, outgoingAuth %+v", res.cfg.Backends, res.cfg.OutgoingAuth)
	}
}

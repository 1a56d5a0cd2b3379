package convert_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/convert"
)

// TestLegacyManifests: the seed's v1alpha1 forms come out current, applied strictly.
func TestLegacyManifests(t *testing.T) {
	data, err := os.ReadFile("testdata/legacy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := convert.Convert(data, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	y, _ := convert.YAML(res.Objects)
	for _, legacy := range []string{"port: 8080\n", "targetPort", "groupRef: my-services", "v1alpha1", "\n  aggregation:"} {
		if strings.Contains(string(y), legacy) {
			t.Errorf("output still contains legacy %q:\n%s", legacy, y)
		}
	}
	changed := 0
	for _, n := range res.Report.Notes {
		if n.Kind == convert.Changed {
			changed++
		}
	}
	if changed != 5 { // MCPServer groupRef, port, targetPort; VirtualMCPServer config.groupRef, aggregation
		t.Errorf("%d changed notes, want 5: %v", changed, res.Report.Notes)
	}
	stored := applyStrict(t, "legacy", y)
	assertStored(t, res, stored)
	s := byKind(t, stored, "MCPServer")
	eq(t, "groupRef", field(s, "spec.groupRef"), map[string]any{"name": "my-services"})
	eq(t, "proxyPort", field(s, "spec.proxyPort"), 8080)
	eq(t, "mcpPort", field(s, "spec.mcpPort"), 8080)
	eq(t, "port", field(s, "spec.port"), nil)
	v := byKind(t, stored, "VirtualMCPServer")
	eq(t, "vmcp groupRef", field(v, "spec.groupRef"), map[string]any{"name": "my-services"})
	eq(t, "aggregation", field(v, "spec.config.aggregation.conflictResolution"), "prefix")
	eq(t, "top-level aggregation", field(v, "spec.aggregation"), nil)
	eq(t, "ConfigMap passes through", field(byKind(t, stored, "ConfigMap"), "data"), map[string]any{"a": "b"})
}

// TestLegacyUnknownField: a field no version has is an error naming it, not lost.
func TestLegacyUnknownField(t *testing.T) {
	_, err := convert.Convert([]byte("apiVersion: toolhive.stacklok.dev/v1alpha1\nkind: MCPServer\nmetadata: {name: x}\nspec: {image: a, imagee: b}\n"), convert.Options{})
	if err == nil || !strings.Contains(err.Error(), "imagee") {
		t.Fatalf("err = %v", err)
	}
}

// TestVMCPConfig: the original's vmcp config becomes MCPGroup + MCPServerEntries +
// VirtualMCPServer; the header-injection env var comes from a Secret.
func TestVMCPConfig(t *testing.T) {
	data, err := os.ReadFile("../../pkg/vmcp/config/testdata/original.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := convert.Convert(data, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	y, _ := convert.YAML(res.Objects)
	stored := applyStrict(t, "vmcp-config", y)
	assertStored(t, res, stored)
	eq(t, "group", byKind(t, stored, "MCPGroup").GetName(), "my-services")
	var entries []string
	for _, o := range stored {
		if o.GetKind() == "MCPServerEntry" {
			entries = append(entries, o.GetName()+"="+field(o, "spec.remoteUrl").(string))
			eq(t, o.GetName()+" groupRef", field(o, "spec.groupRef"), map[string]any{"name": "my-services"})
		}
	}
	eq(t, "entries", entries, []string{"github=http://github-mcp.default.svc:8080/mcp", "jira=http://jira-mcp.default.svc:8080/sse"})
	v := byKind(t, stored, "VirtualMCPServer")
	eq(t, "groupRef", field(v, "spec.groupRef"), map[string]any{"name": "my-services"})
	eq(t, "backends inline", field(v, "spec.config.backends"), nil)
	eq(t, "policies", field(v, "spec.incomingAuth.authzConfig.inline.policies"), []any{"permit(principal, action, resource);"})
	eq(t, "timeouts", field(v, "spec.config.operational.timeouts.perWorkload"), map[string]any{"jira": "45s"})
	if !strings.Contains(strings.Join(res.Report.Commands, "\n"), `--from-literal=GITHUB_TOKEN="$GITHUB_TOKEN"`) {
		t.Errorf("commands: %v", res.Report.Commands)
	}
}

// TestVMCPConfigKeepStatic keeps the backends inline; SSRF rules still apply.
func TestVMCPConfigKeepStatic(t *testing.T) {
	in := "name: local\nbackends:\n- name: a\n  url: https://a.example.com/mcp\n- name: b\n  transport: stdio\n  command: npx\n"
	res, err := convert.Convert([]byte(in), convert.Options{KeepStatic: true})
	if err != nil {
		t.Fatal(err)
	}
	y, _ := convert.YAML(res.Objects)
	stored := applyStrict(t, "keep-static", y)
	v := byKind(t, stored, "VirtualMCPServer")
	eq(t, "backends", field(v, "spec.config.backends"), []any{map[string]any{"name": "a", "url": "https://a.example.com/mcp", "transport": "streamable-http"}})
	if !res.Report.Has(convert.Dropped, "backends.b") {
		t.Errorf("stdio backend not reported: %v", res.Report.Notes)
	}
	_, err = convert.Convert([]byte("name: x\nbackends:\n- name: m\n  url: http://169.254.169.254/\n"), convert.Options{KeepStatic: true})
	if err == nil || !strings.Contains(err.Error(), "always refused") {
		t.Fatalf("metadata backend: err = %v", err)
	}
}

// TestVMCPConfigOIDC: OIDC incoming auth becomes spec.incomingAuth (client secret
// from a Secret, filled from the variable the file names), token exchange's secret
// reaches the vmcp container from a Secret; both apply strictly.
func TestVMCPConfigOIDC(t *testing.T) {
	in := `name: secure
groupRef: secure
incomingAuth:
  type: oidc
  oidc:
    issuer: https://auth.example.com
    clientId: vmcp
    clientSecretEnv: VMCP_OIDC_SECRET
    audience: vmcp
    resource: https://vmcp.example.com/mcp
outgoingAuth:
  source: inline
  default:
    type: token_exchange
    tokenExchange:
      tokenUrl: https://auth.example.com/token
      clientId: exchanger
      clientSecretEnv: EXCHANGE_SECRET
`
	res, err := convert.Convert([]byte(in), convert.Options{Namespace: "secure"})
	if err != nil {
		t.Fatal(err)
	}
	y, _ := convert.YAML(res.Objects)
	if strings.Contains(string(y), "clientSecretEnv: VMCP_OIDC_SECRET") {
		t.Errorf("incoming OIDC left in spec.config:\n%s", y)
	}
	stored := applyStrict(t, "secure", y)
	assertStored(t, res, stored)
	v := byKind(t, stored, "VirtualMCPServer")
	eq(t, "type", field(v, "spec.incomingAuth.type"), "oidc")
	eq(t, "issuer", field(v, "spec.incomingAuth.oidcConfig.inline.issuer"), "https://auth.example.com")
	eq(t, "clientSecretRef", field(v, "spec.incomingAuth.oidcConfig.inline.clientSecretRef"), map[string]any{"name": "secure-oidc", "key": "clientSecret"})
	eq(t, "resourceUrl", field(v, "spec.incomingAuth.oidcConfig.resourceUrl"), "https://vmcp.example.com/mcp")
	env := field(v, "spec.podTemplateSpec.spec.containers").([]any)[0].(map[string]any)["env"]
	eq(t, "vmcp env", env, []any{map[string]any{"name": "EXCHANGE_SECRET", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "secure-env", "key": "EXCHANGE_SECRET"}}}})
	cmds := strings.Join(res.Report.Commands, "\n")
	for _, want := range []string{`kubectl create secret generic secure-oidc -n secure --from-literal=clientSecret="$VMCP_OIDC_SECRET"`, `kubectl create secret generic secure-env -n secure --from-literal=EXCHANGE_SECRET="$EXCHANGE_SECRET"`} {
		if !strings.Contains(cmds, want) {
			t.Errorf("missing command %s in:\n%s", want, cmds)
		}
	}
	if _, err := convert.Convert([]byte("name: x\ngroupRef: x\nincomingAuth:\n  type: local\n"), convert.Options{}); err == nil || !strings.Contains(err.Error(), "local") {
		t.Errorf("local incoming auth: err = %v", err)
	}
}

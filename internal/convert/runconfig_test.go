package convert_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/mcp-operator/mcp-operator/internal/convert"
)

// rcCase is one RunConfig input: the keys over a minimal stdio workload, and what
// the stored objects must mean.
type rcCase struct {
	in    map[string]any
	opts  convert.Options
	check func(t *testing.T, objs []*unstructured.Unstructured, r *convert.Report)
}

func base(over map[string]any) map[string]any {
	m := map[string]any{"schema_version": "v0.1.0", "image": "ghcr.io/hypo/srv:1.0", "base_name": "srv", "transport": "stdio",
		"host": "127.0.0.1", "port": 0, "name": "srv", "permission_profile": nil}
	for k, v := range over {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	if _, ok := over["permission_profile"]; ok && over["permission_profile"] == nil {
		m["permission_profile"] = nil
	}
	return m
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func note(t *testing.T, r *convert.Report, kind convert.NoteKind, f string) {
	t.Helper()
	if !r.Has(kind, f) {
		t.Errorf("report has no %s note for %s; notes: %v", kind, f, r.Notes)
	}
}

func srv(t *testing.T, objs []*unstructured.Unstructured) *unstructured.Unstructured {
	return byKind(t, objs, "MCPServer")
}

var rcCases = map[string]rcCase{
	"stdio minimal": {in: base(nil), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		s := srv(t, o)
		eq(t, "apiVersion", s.GetAPIVersion(), "toolhive.stacklok.dev/v1beta1")
		eq(t, "image", field(s, "spec.image"), "ghcr.io/hypo/srv:1.0")
		eq(t, "transport", field(s, "spec.transport"), "stdio")
		eq(t, "proxyMode", field(s, "spec.proxyMode"), "streamable-http")
		eq(t, "proxyPort", field(s, "spec.proxyPort"), nil)
	}},
	"name from base_name": {in: base(map[string]any{"base_name": "My_Notes.Server"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "name", srv(t, o).GetName(), "my-notes-server")
	}},
	"name from container_name": {in: base(map[string]any{"base_name": "", "name": "", "container_name": "Alpha.Beta_1"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "name", srv(t, o).GetName(), "alpha-beta-1")
	}},
	"name from name": {in: base(map[string]any{"base_name": "", "name": "Über Server!"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "name", srv(t, o).GetName(), "ber-server")
	}},
	"name hyphens kept": {in: base(map[string]any{"base_name": "-Mixed--Case-"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "name", srv(t, o).GetName(), "mixed--case")
	}},
	"cmd_args in order": {in: base(map[string]any{"cmd_args": []string{"--b", "2", "--a", "1"}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "args", field(srv(t, o), "spec.args"), []any{"--b", "2", "--a", "1"})
	}},
	"sse with ports": {in: base(map[string]any{"transport": "sse", "port": 28080, "target_port": 8000, "proxy_mode": "sse"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		s := srv(t, o)
		eq(t, "transport", field(s, "spec.transport"), "sse")
		eq(t, "proxyPort", field(s, "spec.proxyPort"), 28080)
		eq(t, "mcpPort", field(s, "spec.mcpPort"), 8000)
		note(t, r, convert.Info, "port")
	}},
	"streamable-http ignores proxy_mode": {in: base(map[string]any{"transport": "streamable-http", "target_port": 8080, "proxy_mode": "sse"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "transport", field(srv(t, o), "spec.transport"), "streamable-http")
		note(t, r, convert.Info, "proxy_mode")
	}},
	"stdio proxy_mode sse": {in: base(map[string]any{"proxy_mode": "sse"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "proxyMode", field(srv(t, o), "spec.proxyMode"), "sse")
	}},
	"env sorted": {in: base(map[string]any{"env_vars": map[string]string{"ZED": "1", "ALPHA": "2", "MCP_TRANSPORT": "stdio"}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "env", field(srv(t, o), "spec.env"), []any{map[string]any{"name": "ALPHA", "value": "2"}, map[string]any{"name": "MCP_TRANSPORT", "value": "stdio"}, map[string]any{"name": "ZED", "value": "1"}})
	}},
	"env from env files flagged": {in: base(map[string]any{"env_vars": map[string]string{"DB_URL": "postgres://x", "MODE": "fast", "MCP_TRANSPORT": "stdio"}, "env_file_dir": "/home/kim/env"}),
		opts: convert.Options{EnvFileValues: map[string]string{"MODE": "app.env"}}, check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			note(t, r, convert.Flagged, "env_vars.DB_URL")
			note(t, r, convert.Flagged, "env_vars.MODE")
			if r.Has(convert.Flagged, "env_vars.MCP_TRANSPORT") {
				t.Error("transport variable flagged")
			}
			eq(t, "env count", len(field(srv(t, o), "spec.env").([]any)), 3)
		}},
	"sensitive env flagged": {in: base(map[string]any{"env_vars": map[string]string{"API_TOKEN": "abc", "LEVEL": "1"}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		note(t, r, convert.Flagged, "env_vars.API_TOKEN")
		if r.Has(convert.Flagged, "env_vars.LEVEL") {
			t.Error("LEVEL flagged")
		}
	}},
	"secrets": {in: base(map[string]any{"secrets": []string{"gh-pat,target=GITHUB_TOKEN", "My.Key,target=API_KEY"}}), opts: convert.Options{Namespace: "ignored-by-apply"}, check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "secrets", field(srv(t, o), "spec.secrets"), []any{
			map[string]any{"key": "API_KEY", "name": "my-key", "targetEnvName": "API_KEY"},
			map[string]any{"key": "GITHUB_TOKEN", "name": "gh-pat", "targetEnvName": "GITHUB_TOKEN"}})
		eq(t, "commands", len(r.Commands), 2)
		if !strings.Contains(strings.Join(r.Commands, "\n"), `kubectl create secret generic gh-pat -n ignored-by-apply --from-literal=GITHUB_TOKEN="$(thv secret get gh-pat)"`) {
			t.Errorf("commands: %v", r.Commands)
		}
	}},
	"volumes": {in: base(map[string]any{"volumes": []string{"/home/kim/books:/books:ro", "/data:/data:rw", "/srv/cache"}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		s := srv(t, o)
		vols := field(s, "spec.podTemplateSpec.spec.volumes").([]any)
		eq(t, "volumes", len(vols), 3)
		eq(t, "volume-0", vols[0], map[string]any{"name": "volume-0", "hostPath": map[string]any{"path": "/home/kim/books"}})
		mounts := field(s, "spec.podTemplateSpec.spec.containers").([]any)[0].(map[string]any)["volumeMounts"].([]any)
		eq(t, "mount 0", mounts[0], map[string]any{"name": "volume-0", "mountPath": "/books", "readOnly": true})
		eq(t, "mount 1", mounts[1], map[string]any{"name": "volume-1", "mountPath": "/data"})
		eq(t, "mount 2", mounts[2], map[string]any{"name": "volume-2", "mountPath": "/srv/cache"})
	}},
	"pod template patch with volume": {in: base(map[string]any{"volumes": []string{"/a:/b"}, "k8s_pod_template_patch": `{"spec":{"nodeSelector":{"disk":"ssd"},"containers":[{"name":"mcp","resources":{"limits":{"memory":"256Mi"}}}]}}`}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			s := srv(t, o)
			eq(t, "nodeSelector", field(s, "spec.podTemplateSpec.spec.nodeSelector"), map[string]any{"disk": "ssd"})
			c := field(s, "spec.podTemplateSpec.spec.containers").([]any)
			eq(t, "containers", len(c), 1)
			ct := c[0].(map[string]any)
			eq(t, "limits", ct["resources"], map[string]any{"limits": map[string]any{"memory": "256Mi"}})
			eq(t, "mounts", len(ct["volumeMounts"].([]any)), 1)
		}},
	"permission network": {in: base(map[string]any{"permission_profile": map[string]any{"name": "network", "network": map[string]any{"outbound": map[string]any{"insecure_allow_all": true}, "inbound": map[string]any{}}}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			eq(t, "permissionProfile", field(srv(t, o), "spec.permissionProfile"), map[string]any{"type": "builtin", "name": "network"})
		}},
	"permission none": {in: base(map[string]any{"permission_profile": map[string]any{"name": "none", "network": map[string]any{"mode": "none"}, "privileged": true}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			eq(t, "permissionProfile", field(srv(t, o), "spec.permissionProfile"), map[string]any{"type": "builtin", "name": "none"})
			note(t, r, convert.Dropped, "permission_profile.privileged")
		}},
	"permission allow-list": {in: base(map[string]any{"permission_profile": map[string]any{"network": map[string]any{"outbound": map[string]any{"allow_host": []string{"api.github.com"}, "allow_port": []int{443}}, "inbound": map[string]any{"allow_host": []string{"10.0.0.1"}}}, "read": []string{"/a:/a"}}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			eq(t, "permissionProfile", field(srv(t, o), "spec.permissionProfile"), map[string]any{"type": "builtin", "name": "none"})
			note(t, r, convert.Changed, "permission_profile.network.outbound")
			note(t, r, convert.Dropped, "permission_profile.network.inbound")
			note(t, r, convert.Info, "permission_profile.read")
		}},
	"permission by name": {in: base(map[string]any{"permission_profile_name_or_path": "none"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "permissionProfile", field(srv(t, o), "spec.permissionProfile"), map[string]any{"type": "builtin", "name": "none"})
	}},
	"oidc": {in: base(map[string]any{"oidc_config": map[string]any{"Issuer": "https://auth.example.com", "Audience": "mcp", "JWKSURL": "https://auth.example.com/jwks", "ClientID": "github-client",
		"ClientSecret": "s3cr3t-value", "CACertPath": "/etc/ca.pem", "AuthTokenFile": "/t", "AllowPrivateIP": true, "InsecureAllowHTTP": false,
		"IntrospectionURL": "https://auth.example.com/introspect", "ResourceURL": "https://mcp.example.com/mcp", "Scopes": []string{"openid", "mcp"}}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			s := srv(t, o)
			eq(t, "oidc type", field(s, "spec.oidcConfig.type"), "inline")
			eq(t, "issuer", field(s, "spec.oidcConfig.inline.issuer"), "https://auth.example.com")
			eq(t, "audience", field(s, "spec.oidcConfig.inline.audience"), "mcp")
			eq(t, "jwksUrl", field(s, "spec.oidcConfig.inline.jwksUrl"), "https://auth.example.com/jwks")
			eq(t, "clientId", field(s, "spec.oidcConfig.inline.clientId"), "github-client")
			eq(t, "introspectionUrl", field(s, "spec.oidcConfig.inline.introspectionUrl"), "https://auth.example.com/introspect")
			eq(t, "scopes", field(s, "spec.oidcConfig.inline.scopes"), []any{"openid", "mcp"})
			eq(t, "jwksAllowPrivateIP", field(s, "spec.oidcConfig.inline.jwksAllowPrivateIP"), true)
			eq(t, "resourceUrl", field(s, "spec.oidcConfig.resourceUrl"), "https://mcp.example.com/mcp")
			eq(t, "clientSecretRef", field(s, "spec.oidcConfig.inline.clientSecretRef"), map[string]any{"name": "srv-oidc", "key": "clientSecret"})
			note(t, r, convert.Dropped, "oidc_config.CACertPath")
			note(t, r, convert.Dropped, "oidc_config.AuthTokenFile")
			if strings.Contains(strings.Join(r.Commands, " "), "s3cr3t") {
				t.Error("the client secret value appears in a command")
			}
		}},
	"oidc without issuer": {in: base(map[string]any{"oidc_config": map[string]any{"Issuer": "", "Audience": "x"}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "oidcConfig", field(srv(t, o), "spec.oidcConfig"), nil)
		note(t, r, convert.Dropped, "oidc_config")
	}},
	"cedar": {in: base(map[string]any{"authz_config": map[string]any{"version": "1.0", "type": "cedarv1", "cedar": map[string]any{
		"policies": []string{`permit(principal, action == Action::"call_tool", resource);`}, "entities_json": `[{"uid":{"type":"User","id":"kim"},"attrs":{},"parents":[]}]`,
		"primary_upstream_provider": "github", "group_claim_name": "groups", "role_claim_name": "roles", "group_entity_type": "Group"}}, "authz_config_path": "/home/kim/authz.yaml"}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			s := srv(t, o)
			eq(t, "policies", field(s, "spec.authzConfig.inline.policies"), []any{`permit(principal, action == Action::"call_tool", resource);`})
			eq(t, "entitiesJson", field(s, "spec.authzConfig.inline.entitiesJson"), `[{"uid":{"type":"User","id":"kim"},"attrs":{},"parents":[]}]`)
			for _, k := range []string{"primary_upstream_provider", "group_claim_name", "role_claim_name", "group_entity_type"} {
				note(t, r, convert.Dropped, "authz_config.cedar."+k)
			}
		}},
	"authz httpv1": {in: base(map[string]any{"authz_config": map[string]any{"version": "1.0", "type": "httpv1", "pdp": map[string]any{"url": "https://pdp"}}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "authzConfig", field(srv(t, o), "spec.authzConfig"), nil)
		note(t, r, convert.Dropped, "authz_config")
	}},
	"audit empty": {in: base(map[string]any{"audit_config": map[string]any{}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "audit", field(srv(t, o), "spec.audit"), map[string]any{"enabled": true})
	}},
	"audit options": {in: base(map[string]any{"audit_config": map[string]any{"enabled": false, "component": "c", "eventTypes": []string{"mcp_tool_call"}, "logFile": "/var/log/a"}, "audit_config_path": "/a.json"}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			eq(t, "audit", field(srv(t, o), "spec.audit"), map[string]any{})
			note(t, r, convert.Dropped, "audit_config.component")
			note(t, r, convert.Dropped, "audit_config.eventTypes")
			note(t, r, convert.Dropped, "audit_config.logFile")
		}},
	"telemetry": {in: base(map[string]any{"telemetry_config": map[string]any{"endpoint": "otel-collector.observability:4318", "serviceName": "tickets", "serviceVersion": "3.1.0",
		"samplingRate": "0.25", "tracingEnabled": true, "metricsEnabled": false, "useLegacyAttributes": false, "insecure": true,
		"headers":          map[string]string{"X-Scope-OrgID": "team-a", "X-Api-Key": "s3cret"},
		"customAttributes": map[string]string{"deployment.environment": "prod"}, "environmentVariables": []string{"HOSTNAME"},
		"enablePrometheusMetricsPath": true, "prometheusPort": 9090, "metricsOnTransportPort": false, "caCertPath": "/etc/otel/ca.pem"}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			eq(t, "telemetryConfigRef", field(srv(t, o), "spec.telemetryConfigRef"), map[string]any{"name": "srv-telemetry", "serviceName": "tickets"})
			tc := byKind(t, o, "MCPTelemetryConfig")
			eq(t, "name", tc.GetName(), "srv-telemetry")
			eq(t, "enabled", field(tc, "spec.openTelemetry.enabled"), true)
			eq(t, "endpoint", field(tc, "spec.openTelemetry.endpoint"), "otel-collector.observability:4318")
			eq(t, "insecure", field(tc, "spec.openTelemetry.insecure"), true)
			eq(t, "legacy", field(tc, "spec.openTelemetry.useLegacyAttributes"), false)
			eq(t, "tracing", field(tc, "spec.openTelemetry.tracing"), map[string]any{"enabled": true, "samplingRate": "0.25"})
			eq(t, "metrics", field(tc, "spec.openTelemetry.metrics"), map[string]any{"enabled": false})
			eq(t, "headers", field(tc, "spec.openTelemetry.headers"), map[string]any{"X-Scope-OrgID": "team-a"})
			eq(t, "sensitiveHeaders", field(tc, "spec.openTelemetry.sensitiveHeaders"),
				[]any{map[string]any{"name": "X-Api-Key", "secretKeyRef": map[string]any{"name": "srv-telemetry-headers", "key": "X-Api-Key"}}})
			eq(t, "attributes", field(tc, "spec.openTelemetry.resourceAttributes"), map[string]any{"deployment.environment": "prod", "service.version": "3.1.0"})
			eq(t, "caBundleRef", field(tc, "spec.openTelemetry.caBundleRef"), map[string]any{"configMapRef": map[string]any{"name": "srv-otel-ca", "key": "ca.crt"}})
			eq(t, "prometheus", field(tc, "spec.prometheus"), map[string]any{"enabled": true})
			if y, _ := json.Marshal(tc.Object); strings.Contains(string(y), "s3cret") {
				t.Errorf("a header credential is written into the manifest: %s", y)
			}
			commands(t, r, "kubectl create secret generic srv-telemetry-headers --from-literal=X-Api-Key=", "kubectl create configmap srv-otel-ca --from-file=ca.crt=/etc/otel/ca.pem")
			note(t, r, convert.Dropped, "telemetry_config.environmentVariables")
			note(t, r, convert.Info, "telemetry_config.prometheusPort")
		}},
	"telemetry nothing enabled": {in: base(map[string]any{"telemetry_config": map[string]any{"tracingEnabled": false, "metricsEnabled": false, "useLegacyAttributes": true}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			eq(t, "telemetryConfigRef", field(srv(t, o), "spec.telemetryConfigRef"), nil)
			eq(t, "objects", len(o), 1)
			note(t, r, convert.Dropped, "telemetry_config")
		}},
	"telemetry bad sampling rate": {in: base(map[string]any{"telemetry_config": map[string]any{"endpoint": "otel:4318", "tracingEnabled": true, "samplingRate": ".5", "useLegacyAttributes": true}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			tc := byKind(t, o, "MCPTelemetryConfig")
			eq(t, "samplingRate (schema default)", field(tc, "spec.openTelemetry.tracing.samplingRate"), "0.05")
			note(t, r, convert.Dropped, "telemetry_config.samplingRate")
		}},
	"group with MCPGroup": {in: base(map[string]any{"group": "My_Services"}), opts: convert.Options{WithGroup: true}, check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "groupRef", field(srv(t, o), "spec.groupRef"), map[string]any{"name": "my-services"})
		eq(t, "group name", byKind(t, o, "MCPGroup").GetName(), "my-services")
		note(t, r, convert.Changed, "group")
	}},
	"--group overrides": {in: base(map[string]any{"group": "default"}), opts: convert.Options{Group: "team-a"}, check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "groupRef", field(srv(t, o), "spec.groupRef"), map[string]any{"name": "team-a"})
	}},
	"tools filter and override": {in: base(map[string]any{"tools_filter": []string{"fetch", "search"}, "tools_override": map[string]any{"fetch": map[string]any{"name": "web_fetch", "description": "Fetch a page"}}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			tc := byKind(t, o, "MCPToolConfig")
			eq(t, "toolConfigRef", field(srv(t, o), "spec.toolConfigRef"), map[string]any{"name": tc.GetName()})
			eq(t, "toolsFilter", field(tc, "spec.toolsFilter"), []any{"fetch", "search"})
			eq(t, "override", field(tc, "spec.toolsOverride"), map[string]any{"fetch": map[string]any{"name": "web_fetch", "description": "Fetch a page"}})
		}},
	"labels": {in: base(map[string]any{"container_labels": map[string]string{"toolhive": "true", "toolhive-name": "srv", "team": "payments", "bad key!": "x"}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "labels", srv(t, o).GetLabels(), map[string]string{"team": "payments"})
		note(t, r, convert.Dropped, "container_labels.bad key!")
	}},
	"scaling": {in: base(map[string]any{"scaling_config": map[string]any{"backend_replicas": 1, "session_redis": map[string]any{"address": "redis:6379"}}}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "backendReplicas", field(srv(t, o), "spec.backendReplicas"), 1)
		note(t, r, convert.Dropped, "scaling_config.session_redis")
	}},
	"remote proxy": {in: base(map[string]any{"image": "", "remote_url": "https://mcp.example.com/mcp", "transport": "sse", "port": 9090, "group": "remote",
		"remote_auth_config": map[string]any{"client_id": "c", "use_pkce": true, "timeout": 1000000000},
		"header_forward":     map[string]any{"add_plaintext_headers": map[string]string{"X-Team": "pay"}, "add_headers_from_secret": map[string]string{"Authorization": "remote-token"}},
		"oidc_config":        map[string]any{"Issuer": "https://auth.example.com"}, "tools_filter": []string{"a"}, "env_vars": map[string]string{"MCP_TRANSPORT": "sse", "X": "1"}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			p := byKind(t, o, "MCPRemoteProxy")
			eq(t, "remoteUrl", field(p, "spec.remoteUrl"), "https://mcp.example.com/mcp")
			eq(t, "transport", field(p, "spec.transport"), "sse")
			eq(t, "proxyPort", field(p, "spec.proxyPort"), 9090)
			eq(t, "groupRef", field(p, "spec.groupRef"), map[string]any{"name": "remote"})
			eq(t, "plain headers", field(p, "spec.headerForward.addPlaintextHeaders"), map[string]any{"X-Team": "pay"})
			eq(t, "secret headers", field(p, "spec.headerForward.addHeadersFromSecret"), []any{map[string]any{"headerName": "Authorization", "valueSecretRef": map[string]any{"name": "remote-token", "key": "value"}}})
			eq(t, "oidc issuer", field(p, "spec.oidcConfig.inline.issuer"), "https://auth.example.com")
			eq(t, "toolConfigRef", field(p, "spec.toolConfigRef.name"), "srv-tools")
			note(t, r, convert.Dropped, "remote_auth_config")
			note(t, r, convert.Dropped, "env_vars.X")
		}},
	"remote as entry": {in: base(map[string]any{"image": "", "remote_url": "https://mcp.example.com/sse", "transport": "sse"}), opts: convert.Options{AsEntry: true, Group: "remote", WithGroup: true},
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			e := byKind(t, o, "MCPServerEntry")
			eq(t, "remoteUrl", field(e, "spec.remoteUrl"), "https://mcp.example.com/sse")
			eq(t, "transport", field(e, "spec.transport"), "sse")
			eq(t, "groupRef", field(e, "spec.groupRef"), map[string]any{"name": "remote"})
		}},
	"remote private": {in: base(map[string]any{"image": "", "remote_url": "http://10.1.2.3:8080/mcp", "transport": "streamable-http"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "allowPrivateEndpoint", field(byKind(t, o, "MCPRemoteProxy"), "spec.allowPrivateEndpoint"), true)
		note(t, r, convert.Flagged, "remote_url")
	}},
	"proxy settings": {in: base(map[string]any{"trust_proxy_headers": true, "proxy_read_timeout": "5m", "max_request_body_size": 2097152, "endpoint_prefix": "/api"}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			s := srv(t, o)
			eq(t, "trustProxyHeaders", field(s, "spec.trustProxyHeaders"), true)
			eq(t, "proxyReadTimeout", field(s, "spec.proxyReadTimeout"), "5m")
			eq(t, "maxRequestBodySize", field(s, "spec.maxRequestBodySize"), 2097152)
			eq(t, "endpointPrefix", field(s, "spec.endpointPrefix"), "/api")
			if l := r.Lossy(); len(l) != 0 {
				t.Errorf("mapped proxy settings reported as lost: %v", l)
			}
		}},
	"proxy settings off": {in: base(map[string]any{"trust_proxy_headers": false, "proxy_read_timeout": "", "max_request_body_size": 0, "endpoint_prefix": ""}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			s := srv(t, o)
			eq(t, "trustProxyHeaders (schema default)", field(s, "spec.trustProxyHeaders"), false)
			for _, f := range []string{"spec.proxyReadTimeout", "spec.maxRequestBodySize", "spec.endpointPrefix"} {
				eq(t, f, field(s, f), nil)
			}
		}},
	"remote proxy settings": {in: base(map[string]any{"image": "", "remote_url": "https://r.example.com/mcp", "transport": "streamable-http", "trust_proxy_headers": true, "endpoint_prefix": "/r",
		"proxy_read_timeout": "5m", "max_request_body_size": 1024, "telemetry_config": map[string]any{"endpoint": "otel:4318", "metricsEnabled": true, "useLegacyAttributes": true}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			p := byKind(t, o, "MCPRemoteProxy")
			eq(t, "trustProxyHeaders", field(p, "spec.trustProxyHeaders"), true)
			eq(t, "endpointPrefix", field(p, "spec.endpointPrefix"), "/r")
			eq(t, "telemetryConfigRef", field(p, "spec.telemetryConfigRef"), map[string]any{"name": "srv-telemetry"})
			eq(t, "metrics", field(byKind(t, o, "MCPTelemetryConfig"), "spec.openTelemetry.metrics.enabled"), true)
			note(t, r, convert.Dropped, "proxy_read_timeout")
			note(t, r, convert.Dropped, "max_request_body_size")
		}},
	"proxy settings without a field": {in: base(map[string]any{"session_ttl": "1h", "stateless": true, "strict_protocol_validation": true}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			for _, k := range []string{"session_ttl", "stateless", "strict_protocol_validation"} {
				note(t, r, convert.Dropped, k)
			}
		}},
	"cli-only keys": {in: base(map[string]any{"host": "0.0.0.0", "target_host": "10.0.0.5", "allowed_origins": []string{"https://a"}, "publish": []string{"8080:8080"}, "debug": true,
		"registry_api_url": "https://reg", "registry_url": "https://reg2", "registry_server_name": "io.x/srv", "mcpserver_generation": 3, "isolate_network": true, "allow_docker_gateway": true,
		"thv_ca_bundle": "/ca", "jwks_auth_token_file": "/tok", "ignore_config": map[string]any{"LoadGlobal": true, "PrintOverlays": false},
		"middleware_configs": []any{map[string]any{"type": "audit", "parameters": map[string]any{}}}, "additional_middleware_configs": []any{map[string]any{"type": "x"}},
		"validating_webhooks": []any{map[string]any{"name": "v", "url": "https://v"}}, "mutating_webhooks": []any{map[string]any{"name": "m", "url": "https://m"}},
		"runtime_config": map[string]any{"builder_image": "node:20"}, "embedded_auth_server_config": map[string]any{"issuer": "https://x"},
		"rate_limit_config": map[string]any{"requests": 1}, "rate_limit_namespace": "ns", "token_exchange_config": map[string]any{"token_url": "https://t"},
		"upstream_swap_config": map[string]any{"header_strategy": "replace"}, "aws_sts_config": map[string]any{"region": "eu-west-1"},
		"header_forward": map[string]any{"add_plaintext_headers": map[string]string{"A": "b"}}, "env_file_dir": "/env", "remote_auth_config": map[string]any{"client_id": "x"}}),
		check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
			for _, k := range []string{"target_host", "allowed_origins", "publish", "debug", "isolate_network", "thv_ca_bundle", "jwks_auth_token_file", "additional_middleware_configs",
				"validating_webhooks", "mutating_webhooks", "embedded_auth_server_config", "rate_limit_config", "token_exchange_config", "upstream_swap_config", "aws_sts_config", "header_forward", "remote_auth_config"} {
				note(t, r, convert.Dropped, k)
			}
			for _, k := range []string{"host", "registry_api_url", "registry_url", "registry_server_name", "mcpserver_generation", "allow_docker_gateway", "ignore_config", "middleware_configs", "runtime_config", "env_file_dir"} {
				note(t, r, convert.Info, k)
			}
		}},
	"unknown key reported": {in: base(map[string]any{"future_key": 1}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		note(t, r, convert.Dropped, "future_key")
	}},
}

// commands fails unless each prefix starts one of the report's commands.
func commands(t *testing.T, r *convert.Report, prefixes ...string) {
	t.Helper()
	for _, p := range prefixes {
		found := false
		for _, c := range r.Commands {
			found = found || strings.HasPrefix(c, p)
		}
		if !found {
			t.Errorf("no command starts with %q; commands: %q", p, r.Commands)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRunConfigApplied converts each input, applies the output with strict
// server-side apply, checks nothing was pruned, and checks each key's meaning.
func TestRunConfigApplied(t *testing.T) {
	i := 0
	for _, name := range sortedNames(rcCases) {
		tc := rcCases[name]
		i++
		ns := fmt.Sprintf("rc-%02d", i)
		t.Run(name, func(t *testing.T) {
			opts := tc.opts
			opts.Namespace = ""
			ns := ns
			if tc.opts.Namespace != "" {
				ns = tc.opts.Namespace
				opts.Namespace = ns
			}
			res, err := convert.Convert(mustJSON(t, tc.in), opts)
			if err != nil {
				t.Fatalf("convert: %v", err)
			}
			y, err := convert.YAML(res.Objects)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := convert.Convert(mustJSON(t, tc.in), opts)
			y2, _ := convert.YAML(again.Objects)
			if string(y) != string(y2) {
				t.Fatalf("output is not stable:\n%s\n---- vs ----\n%s", y, y2)
			}
			stored := applyStrict(t, ns, y)
			assertStored(t, res, stored)
			tc.check(t, stored, &res.Report)
		})
	}
}

func sortedNames[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestEveryRunConfigKeyCovered fails when a RunConfig key (from THV-EXPORT.md) is in
// no table input, so a new key cannot go untested.
func TestEveryRunConfigKeyCovered(t *testing.T) {
	used := map[string]bool{}
	for _, tc := range rcCases {
		for k := range tc.in {
			used[k] = true
		}
	}
	for _, k := range convert.RunConfigKeys() {
		if !used[k] {
			t.Errorf("RunConfig key %s is in no table input", k)
		}
	}
	if len(rcCases) < 30 {
		t.Errorf("only %d RunConfig inputs; want at least 30", len(rcCases))
	}
}

func init() {
	rcCases["cli default group not mapped"] = rcCase{in: base(map[string]any{"group": "default"}), check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "groupRef", field(srv(t, o), "spec.groupRef"), nil)
		note(t, r, convert.Info, "group")
	}}
	rcCases["cli default group kept with --with-group"] = rcCase{in: base(map[string]any{"group": "default"}), opts: convert.Options{WithGroup: true}, check: func(t *testing.T, o []*unstructured.Unstructured, r *convert.Report) {
		eq(t, "groupRef", field(srv(t, o), "spec.groupRef"), map[string]any{"name": "default"})
		eq(t, "group", byKind(t, o, "MCPGroup").GetName(), "default")
	}}
}

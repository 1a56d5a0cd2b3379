package members

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func entry(name, url string, valid metav1.ConditionStatus) v1alpha1.MCPServerEntry {
	e := v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Generation: 1},
		Spec: v1alpha1.MCPServerEntrySpec{RemoteURL: url, Transport: v1alpha1.RemoteTransportStreamableHTTP}}
	if valid != "" {
		e.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionValid, Status: valid, Message: "loopback refused", ObservedGeneration: 1}}
	}
	return e
}

func TestList(t *testing.T) {
	sse := v1alpha1.TransportSSE
	tests := map[string]struct {
		group Group
		want  []Member
	}{
		"stdio server behind the proxy": {
			group: Group{Servers: []v1alpha1.MCPServer{{ObjectMeta: metav1.ObjectMeta{Name: "fetch", Namespace: "ns"}}}},
			want:  []Member{{Kind: KindMCPServer, Name: "fetch", URL: "http://mcp-fetch-proxy.ns.svc.cluster.local:8080/mcp", Transport: config.TransportStreamableHTTP}},
		},
		"sse server uses /sse": {
			group: Group{Servers: []v1alpha1.MCPServer{{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns"}, Spec: v1alpha1.MCPServerSpec{Transport: sse}}}},
			want:  []Member{{Kind: KindMCPServer, Name: "s", URL: "http://mcp-s-proxy.ns.svc.cluster.local:8080/sse", Transport: config.TransportSSE}},
		},
		"remote proxy": {
			group: Group{Proxies: []v1alpha1.MCPRemoteProxy{{ObjectMeta: metav1.ObjectMeta{Name: "ctx", Namespace: "ns"},
				Spec: v1alpha1.MCPRemoteProxySpec{ExternalAuthConfigRef: &v1alpha1.LocalObjectReference{Name: "a"}}}}},
			want: []Member{{Kind: KindMCPRemoteProxy, Name: "ctx", URL: "http://mcp-ctx-remote-proxy.ns.svc.cluster.local:8080/mcp", Transport: config.TransportStreamableHTTP, AuthConfigRef: "a"}},
		},
		"entries: valid used, invalid and unvalidated skipped": {
			group: Group{Entries: []v1alpha1.MCPServerEntry{entry("b", "http://b/mcp", metav1.ConditionTrue), entry("a", "http://a/mcp", metav1.ConditionFalse), entry("c", "http://c/mcp", "")}},
			want: []Member{
				{Kind: KindMCPServerEntry, Name: "a", URL: "http://a/mcp", Transport: config.TransportStreamableHTTP, Skipped: "invalid: loopback refused"},
				{Kind: KindMCPServerEntry, Name: "b", URL: "http://b/mcp", Transport: config.TransportStreamableHTTP},
				{Kind: KindMCPServerEntry, Name: "c", URL: "http://c/mcp", Transport: config.TransportStreamableHTTP, Skipped: "not validated by the operator yet"},
			},
		},
		"duplicate name: the server wins": {
			group: Group{Servers: []v1alpha1.MCPServer{{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "ns"}}},
				Entries: []v1alpha1.MCPServerEntry{entry("x", "http://x/mcp", metav1.ConditionTrue)}},
			want: []Member{
				{Kind: KindMCPServer, Name: "x", URL: "http://mcp-x-proxy.ns.svc.cluster.local:8080/mcp", Transport: config.TransportStreamableHTTP},
				{Kind: KindMCPServerEntry, Name: "x", URL: "http://x/mcp", Transport: config.TransportStreamableHTTP, Skipped: "the name is already used by MCPServer x in the group; rename one of them"},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, List(tc.group)); d != "" {
				t.Fatalf("-want +got:\n%s", d)
			}
		})
	}
}

func authConfig(name string, spec v1alpha1.MCPExternalAuthConfigSpec) *v1alpha1.MCPExternalAuthConfig {
	return &v1alpha1.MCPExternalAuthConfig{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}
}

func TestResolveAuth(t *testing.T) {
	configs := map[string]*v1alpha1.MCPExternalAuthConfig{
		"hdr": authConfig("hdr", v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthHeaderInjection,
			HeaderInjection: &v1alpha1.HeaderInjectionConfig{HeaderName: "X-Key", ValueSecretRef: v1alpha1.SecretKeyRef{Name: "s", Key: "k"}}}),
		"bearer": authConfig("bearer", v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthBearerToken,
			BearerToken: &v1alpha1.BearerTokenConfig{TokenSecretRef: v1alpha1.SecretKeyRef{Name: "t", Key: "token"}}}),
		"tx": authConfig("tx", v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthTokenExchange,
			TokenExchange: &v1alpha1.TokenExchangeConfig{TokenURL: "https://idp/token", ClientID: "c", ClientSecretRef: &v1alpha1.SecretKeyRef{Name: "cs", Key: "secret"}}}),
	}
	hdr := config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection, HeaderInjection: &config.HeaderInjection{HeaderName: "X-Key", HeaderValueEnv: "VMCP_AUTH_HDR_HEADER_VALUE"}}
	bearer := config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection, HeaderInjection: &config.HeaderInjection{HeaderName: "Authorization", HeaderValueEnv: "VMCP_AUTH_BEARER_AUTHORIZATION"}}
	tx := config.BackendAuthStrategy{Type: config.BackendAuthTokenExchange, TokenExchange: &config.TokenExchange{TokenURL: "https://idp/token", ClientID: "c", ClientSecretEnv: "VMCP_AUTH_TX_CLIENT_SECRET"}}
	unauth := &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}
	tests := map[string]struct {
		in           AuthInput
		wantBackends map[string]config.BackendAuthStrategy
		wantEnv      []string
		wantProblems int
		wantExcluded []string
	}{
		"discovered from members": {
			in:           AuthInput{Members: []Member{{Name: "a", AuthConfigRef: "hdr"}, {Name: "b", AuthConfigRef: "bearer"}, {Name: "c"}}, AuthConfigs: configs},
			wantBackends: map[string]config.BackendAuthStrategy{"a": hdr, "b": bearer},
			wantEnv:      []string{"VMCP_AUTH_BEARER_TOKEN", "VMCP_AUTH_HDR_HEADER_VALUE", "VMCP_AUTH_BEARER_AUTHORIZATION"},
		},
		"inline ignores members' refs unless asked": {
			in: AuthInput{Spec: &v1alpha1.OutgoingAuth{Source: v1alpha1.OutgoingAuthInline, Backends: map[string]v1alpha1.BackendAuth{
				"b": {Type: v1alpha1.BackendAuthExternalAuthConfigRef, ExternalAuthConfigRef: &v1alpha1.LocalObjectReference{Name: "tx"}},
				"c": {Type: v1alpha1.BackendAuthDiscovered}}},
				Members: []Member{{Name: "a", AuthConfigRef: "hdr"}, {Name: "b"}, {Name: "c", AuthConfigRef: "hdr"}}, AuthConfigs: configs},
			wantBackends: map[string]config.BackendAuthStrategy{"b": tx, "c": hdr},
			wantEnv:      []string{"VMCP_AUTH_HDR_HEADER_VALUE", "VMCP_AUTH_TX_CLIENT_SECRET"},
		},
		"config form wins": {
			in:           AuthInput{Config: &config.OutgoingAuth{Backends: map[string]config.BackendAuthStrategy{"a": tx}}, Members: []Member{{Name: "a", AuthConfigRef: "hdr"}}, AuthConfigs: configs},
			wantBackends: map[string]config.BackendAuthStrategy{"a": tx},
		},
		// issue 10 item 12: a member's own missing config leaves that member out only.
		"missing member config excludes it": {
			in:           AuthInput{Members: []Member{{Name: "a", AuthConfigRef: "nope"}, {Name: "b", AuthConfigRef: "tx"}}, AuthConfigs: configs},
			wantBackends: map[string]config.BackendAuthStrategy{"b": tx},
			wantExcluded: []string{"a"},
			wantEnv:      []string{"VMCP_AUTH_TX_CLIENT_SECRET"},
		},
		"missing default config is a problem": {
			in:           AuthInput{Spec: &v1alpha1.OutgoingAuth{Default: &v1alpha1.BackendAuth{Type: v1alpha1.BackendAuthExternalAuthConfigRef, ExternalAuthConfigRef: &v1alpha1.LocalObjectReference{Name: "nope"}}}, AuthConfigs: configs},
			wantProblems: 1,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := ResolveAuth(tc.in)
			if len(got.Problems) != tc.wantProblems {
				t.Fatalf("problems %v, want %d", got.Problems, tc.wantProblems)
			}
			var excluded []string
			for name := range got.Excluded {
				excluded = append(excluded, name)
			}
			if strings.Join(excluded, ",") != strings.Join(tc.wantExcluded, ",") {
				t.Fatalf("excluded %v, want %v", got.Excluded, tc.wantExcluded)
			}
			var backends map[string]config.BackendAuthStrategy
			if got.OutgoingAuth.Backends != nil {
				backends = got.OutgoingAuth.Backends
			}
			if d := cmp.Diff(tc.wantBackends, backends); d != "" {
				t.Errorf("backends -want +got:\n%s", d)
			}
			if d := cmp.Diff(unauth, got.OutgoingAuth.Default); d != "" {
				t.Errorf("default -want +got:\n%s", d)
			}
			var env []string
			for _, e := range got.Env {
				env = append(env, e.Name)
			}
			if d := cmp.Diff(tc.wantEnv, env); d != "" {
				t.Errorf("env -want +got:\n%s", d)
			}
		})
	}
}

package runner

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

// TestServiceAccountTokensThroughProxy (issue 10, the proxy side of item 11): an
// MCPServer whose incoming auth is oidcConfig type kubernetes (serviceAccount agent)
// accepts a real token of that account issued by a real kube-apiserver (TokenRequest,
// audience toolhive) and refuses another account's token, another audience and no
// token. The runner reaches the API server as a pod does: with its own
// service-account token and the cluster CA, and nothing else (a kubeconfig holding
// exactly those). Before, it looked for keys at
// https://kubernetes.default.svc/openid/v1/jwks without the CA and refused every token.
func TestServiceAccountTokensThroughProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kube-apiserver")
	}
	cp, err := localcp.Start(localcp.Options{RepoRoot: mcpnpm.RepoRoot(t), Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cs := kubernetes.NewForConfigOrDie(cp.Config)
	token := func(sa, audience string) string {
		t.Helper()
		_, _ = cs.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{})
		var spec authenticationv1.TokenRequestSpec // no audience: the API server's own
		if audience != "" {
			spec.Audiences = []string{audience}
		}
		tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, sa, &authenticationv1.TokenRequest{Spec: spec}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	// The proxy pod's own credentials: its service account's API token and the cluster CA.
	kc := clientcmdapi.NewConfig()
	kc.Clusters["c"] = &clientcmdapi.Cluster{Server: cp.Config.Host, CertificateAuthorityData: cp.Config.CAData}
	kc.AuthInfos["proxy"] = &clientcmdapi.AuthInfo{Token: token("fetch-proxy-runner", "")}
	kc.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "proxy"}
	kc.CurrentContext = "c"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", path)

	// What the operator renders for oidcConfig {type: kubernetes, kubernetes: {serviceAccount: agent}}.
	cfg := stdioConfig(t, mcpnpm.Memory, runconfig.TransportStreamableHTTP)
	cfg.Namespace = "default"
	cfg.OIDC = &runconfig.OIDC{Issuer: "https://kubernetes.default.svc", Audience: "toolhive", Kubernetes: &authconfig.KubernetesTokens{ServiceAccount: "agent"}}
	base, _ := startRunner(t, cfg, Options{})

	session := connectAs(t, ctx, base, runconfig.TransportStreamableHTTP, token("agent", "toolhive"))
	if got := call(t, ctx, session, "read_graph", map[string]any{}); !strings.Contains(got, "entities") {
		t.Fatalf("read_graph = %q", got)
	}
	for name, tok := range map[string]string{
		"another account": token("other", "toolhive"),
		"other audience":  token("agent", "elsewhere"),
		"no token":        "",
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", resp.StatusCode)
			}
			tr := &mcp.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: oidctest.Client(tok), MaxRetries: -1}
			if s, err := mcp.NewClient(&mcp.Implementation{Name: "x", Version: "1"}, nil).Connect(ctx, tr, nil); err == nil {
				s.Close()
				t.Fatal("the SDK client connected")
			}
		})
	}
}

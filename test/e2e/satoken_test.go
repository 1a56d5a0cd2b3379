package e2e

import (
	"context"
	"fmt"
	"io"
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
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// bearerTransport adds a bearer token to every request.
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// testServiceAccountTokens (issue 10 item 11): a VirtualMCPServer with incoming auth
// oidcConfig type kubernetes, serviceAccount agent, accepts a real token of that
// service account issued by the API server (TokenRequest, audience toolhive) and
// refuses another account's token and no token. Before, vmcp looked for discovery at
// https://kubernetes.default.svc with no cluster CA and refused every token.
func (e *env) testServiceAccountTokens(ctx context.Context, t *testing.T) {
	cs, err := kubernetes.NewForConfig(e.cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	token := func(sa string) string {
		if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, sa, &authenticationv1.TokenRequest{
			Spec: authenticationv1.TokenRequestSpec{Audiences: []string{"toolhive"}}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	agent, other := token("agent"), token("other")
	e.create(ctx, &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: "sa-vmcp", Namespace: "default"},
		Spec: v1alpha1.VirtualMCPServerSpec{GroupRef: &v1alpha1.GroupRef{Name: "my-services"},
			// everything was killed by an earlier step: serve the others.
			Config: &config.Config{Operational: &config.Operational{FailureHandling: &config.FailureHandling{PartialFailureMode: config.PartialFailureBestEffort}}},
			IncomingAuth: &v1alpha1.IncomingAuth{Type: v1alpha1.IncomingAuthOIDC, OIDCConfig: &v1alpha1.OIDCConfig{
				Type: v1alpha1.OIDCConfigKubernetes, Kubernetes: &v1alpha1.KubernetesOIDCConfig{ServiceAccount: "agent"}}}}})
	port := mcpnpm.FreePort(t)
	d := localcp.RunDeployment(ctx, localcp.DeploymentOptions{Client: e.c, Namespace: "default", Name: "sa-vmcp", Container: "vmcp",
		Binary: filepath.Join(e.bin, "vmcp"), Port: port, ReadyPath: "/health", Kubeconfig: e.cp.Kubeconfig, Dir: t.TempDir(),
		Out: syncWriter{e.logs, "sa-vmcp"}})
	t.Cleanup(d.Stop)
	url := fmt.Sprintf("http://127.0.0.1:%d/mcp", port)
	waitHTTP(t, fmt.Sprintf("http://127.0.0.1:%d/health", port))

	connect := func(tok string) (*mcp.ClientSession, error) {
		hc := http.DefaultClient
		if tok != "" {
			hc = &http.Client{Transport: bearerTransport{tok}}
		}
		return mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, nil).
			Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc}, nil)
	}
	var s *mcp.ClientSession
	deadline := time.Now().Add(30 * time.Second)
	for s, err = connect(agent); err != nil && time.Now().Before(deadline); s, err = connect(agent) {
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		cm := &corev1.ConfigMap{}
		_ = e.c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "sa-vmcp-vmcp-config"}, cm)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+agent)
		var detail string
		if resp, err := http.DefaultClient.Do(req); err == nil {
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			detail = resp.Header.Get("WWW-Authenticate") + " " + string(body)
		}
		t.Fatalf("agent's service-account token refused: %v (%s)\nconfig.yaml:\n%s\nprocess output:\n%s", err, detail, cm.Data["config.yaml"], logs(e.logs))
	}
	if _, err := s.ListTools(ctx, nil); err != nil {
		t.Fatalf("tools/list with the agent's token: %v", err)
	}
	_ = s.Close()
	for name, tok := range map[string]string{"another service account": other, "no token": "", "not a token": "abc.def.ghi"} {
		if s, err := connect(tok); err == nil {
			_ = s.Close()
			t.Errorf("%s: accepted", name)
		}
	}
}

package kubeapi

import (
	"context"
	"net/http"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/auth/authconfig"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
)

// TestServiceAccountTokens (issue 10 item 11): real service-account tokens issued
// by a real kube-apiserver (TokenRequest) are validated with the keys and issuer
// that API server publishes; only the named account is accepted, for the audience.
func TestServiceAccountTokens(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kube-apiserver")
	}
	cp, err := localcp.Start(localcp.Options{RepoRoot: mcpnpm.RepoRoot(t), Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })
	ctx := context.Background()
	cs := kubernetes.NewForConfigOrDie(cp.Config)
	token := func(sa, audience string) string {
		_, _ = cs.CoreV1().ServiceAccounts("default").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{})
		tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, sa, &authenticationv1.TokenRequest{
			Spec: authenticationv1.TokenRequestSpec{Audiences: []string{audience}}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	o := &authconfig.OIDC{Issuer: DefaultServiceAccountIssuer, Audience: "toolhive", Kubernetes: &authconfig.KubernetesTokens{ServiceAccount: "agent"}}
	c, err := ServiceAccountTokenConfig(ctx, cp.Config, o, "default")
	if err != nil {
		t.Fatal(err)
	}
	a, err := oidc.New(c)
	if err != nil {
		t.Fatal(err)
	}
	authn := func(tok string) error {
		r, _ := http.NewRequest(http.MethodPost, "http://vmcp/mcp", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		_, err := a.Authenticate(r)
		return err
	}
	if err := authn(token("agent", "toolhive")); err != nil {
		t.Fatalf("agent's token (issuer %s): %v", c.Issuer, err)
	}
	for name, tc := range map[string]struct{ tok, want string }{
		"another account": {token("other", "toolhive"), "is not allowed"},
		"other audience":  {token("agent", "elsewhere"), "audience"},
		"garbage":         {"abc.def.ghi", "malformed"},
	} {
		if err := authn(tc.tok); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want refused with %q", name, err, tc.want)
		}
	}
}

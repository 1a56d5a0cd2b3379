package metricsauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/metricsauth"
	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
)

// A real kube-apiserver decides: a ServiceAccount bound to a ClusterRole that may get
// /metrics is served, another ServiceAccount is refused with 403, a forged token and
// no token at all are refused.
func TestFilterAgainstAPIServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kube-apiserver")
	}
	cfg := startAPIServer(t)
	cs := kubernetes.NewForConfigOrDie(cfg)
	ctx := context.Background()
	const ns = "default"
	for _, sa := range []string{"scraper", "nobody"} {
		if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "metrics-reader"},
		Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "metrics-reader"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "metrics-reader"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "scraper", Namespace: ns}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	token := func(sa string) string {
		tr, err := cs.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa, &authnv1.TokenRequest{}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("token for %s: %v", sa, err)
		}
		return tr.Status.Token
	}

	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	filter, err := metricsauth.FilterProvider(cfg, httpClient)
	if err != nil {
		t.Fatal(err)
	}
	h, err := filter(logr.Discard(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("metrics")) }))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	tests := []struct {
		name, token, path string
		want              int
	}{
		{"bound service account", token("scraper"), "/metrics", http.StatusOK},
		{"bound service account, other path", token("scraper"), "/debug", http.StatusForbidden},
		{"unbound service account", token("nobody"), "/metrics", http.StatusForbidden},
		{"forged token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "/metrics", http.StatusForbidden},
		{"no token", "", "/metrics", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

// countingReviewer answers from a table and counts the questions that reach it.
type countingReviewer struct {
	calls int
	allow map[string]bool
	err   error
}

func (c *countingReviewer) Allowed(_ context.Context, token, _, _ string) (bool, string, error) {
	c.calls++
	if c.err != nil {
		return false, "", c.err
	}
	return c.allow[token], "table", nil
}

func TestCachingReviewer(t *testing.T) {
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	next := &countingReviewer{allow: map[string]bool{"good": true}}
	r := metricsauth.NewCachingReviewer(next, time.Minute, clock)
	ctx := context.Background()
	steps := []struct {
		token     string
		advance   time.Duration
		want      bool
		wantCalls int
	}{
		{"good", 0, true, 1},
		{"good", 30 * time.Second, true, 1}, // cached
		{"bad", 0, false, 2},                // another token is asked for
		{"bad", 10 * time.Second, false, 2}, // denials are cached too
		{"good", 31 * time.Second, true, 3}, // expired after a minute
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		got, _, err := r.Allowed(ctx, s.token, "get", "/metrics")
		if err != nil || got != s.want || next.calls != s.wantCalls {
			t.Fatalf("step %d: allowed=%v err=%v calls=%d, want %v and %d calls", i, got, err, next.calls, s.want, s.wantCalls)
		}
	}
	// Errors are never cached: the next scrape asks again.
	failing := &countingReviewer{err: errors.New("apiserver down")}
	r = metricsauth.NewCachingReviewer(failing, time.Minute, clock)
	for i := 0; i < 2; i++ {
		if _, _, err := r.Allowed(ctx, "good", "get", "/metrics"); err == nil {
			t.Fatal("error swallowed")
		}
	}
	if failing.calls != 2 {
		t.Fatalf("errors were cached: %d calls", failing.calls)
	}
}

func startAPIServer(t *testing.T) *rest.Config {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = localcp.AssetsDir(mcpnpm.RepoRoot(t))
	}
	if _, err := os.Stat(filepath.Join(assets, "kube-apiserver")); err != nil {
		t.Fatalf("kube-apiserver missing from %s: run `make tools`", assets)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting kube-apiserver: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	return cfg
}

package e2e

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/testutil/testca"
)

// tlsBackend is a Go SDK MCP server (tool whoami) over HTTPS whose certificate
// only ca verifies, or over plain HTTP when ca is nil; it keeps the headers of the
// last request.
type tlsBackend struct {
	url  string
	mu   sync.Mutex
	seen http.Header
}

func startTLSBackend(t *testing.T, ca *testca.CA) *tlsBackend {
	s := mcp.NewServer(&mcp.Implementation{Name: "tls", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "whoami", Description: "says hello"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "tls backend"}}}, nil, nil
	})
	b := &tlsBackend{}
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.seen = r.Header.Clone()
		b.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	if ca == nil {
		srv.Start()
	} else {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Server}}
		srv.StartTLS()
	}
	t.Cleanup(srv.Close)
	b.url = srv.URL + "/mcp"
	return b
}

func (b *tlsBackend) header(k string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seen.Get(k)
}

// testEntryHeadersAndCABundle (issue 10 item 9): an MCPServerEntry on HTTPS with a
// generated CA in caBundleRef and headerForward (a literal header and one from a
// Secret) is reached by vmcp, which verifies the certificate with that CA and sends
// both headers. Before, the entry showed Valid but vmcp dialled with the system
// roots (certificate error) and sent neither header.
func (e *env) testEntryHeadersAndCABundle(ctx context.Context, t *testing.T) {
	ca, err := testca.New()
	if err != nil {
		t.Fatal(err)
	}
	b := startTLSBackend(t, ca)
	e.create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "tls-ca", Namespace: "default"},
		Data: map[string]string{"ca.crt": string(ca.CertPEM)}})
	e.create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "tls-token", Namespace: "default"},
		Data: map[string][]byte{"token": []byte("s3cret")}})
	en := entry("tls", b.url)
	en.Spec.CABundleRef = &v1alpha1.CABundleRef{ConfigMapRef: v1alpha1.CABundleConfigMapRef{
		ConfigMapKeyRef: v1alpha1.ConfigMapKeyRef{Name: "tls-ca"}}}
	en.Spec.HeaderForward = &v1alpha1.HeaderForward{
		AddPlaintextHeaders: map[string]string{"X-Tenant": "acme"},
		AddHeadersFromSecret: []v1alpha1.HeaderFromSecret{{HeaderName: "X-Upstream-Token",
			ValueSecretRef: v1alpha1.SecretKeyRef{Name: "tls-token", Key: "token"}}}}
	e.create(ctx, en)

	// The Secret's env var rolls the vmcp pod (a process restart here): poll with
	// fresh sessions until the backend's tool is served.
	deadline := time.Now().Add(60 * time.Second)
	var tools []string
	for time.Now().Before(deadline) {
		s, err := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1"}, nil).
			Connect(ctx, &mcp.StreamableClientTransport{Endpoint: e.vmcpURL}, nil)
		if err == nil {
			if res, err := s.ListTools(ctx, nil); err == nil {
				tools = tools[:0]
				for _, tool := range res.Tools {
					tools = append(tools, tool.Name)
				}
				if slices.Contains(tools, "tls_whoami") {
					callText(ctx, t, s, "tls_whoami", map[string]any{}, "tls backend")
					_ = s.Close()
					if got := b.header("X-Tenant"); got != "acme" {
						t.Errorf("backend saw X-Tenant %q, want acme", got)
					}
					if got := b.header("X-Upstream-Token"); got != "s3cret" {
						t.Errorf("backend saw X-Upstream-Token %q, want the Secret's value", got)
					}
					return
				}
			}
			_ = s.Close()
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("tls_whoami never served (tools %v)\nprocess output:\n%s", tools, logs(e.logs))
}

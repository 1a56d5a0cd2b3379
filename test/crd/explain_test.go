package crd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// TestKubectlExplain runs the built kubectl against the test API server and
// checks that the field documentation of the Go types reaches `kubectl explain`.
func TestKubectlExplain(t *testing.T) {
	user, err := testEnv.AddUser(envtest.User{Name: "explain", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	cacheDir := t.TempDir() // never a discovery cache left by another run on the same port
	kubectl := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")

	tests := map[string]struct {
		args []string
		want []string
	}{
		"mcpserver.spec.transport": {
			args: []string{"explain", "mcpserver.spec.transport"},
			want: []string{"KIND:       MCPServer", "FIELD: transport <string>", "how the MCP server in the container speaks MCP", "stdio", "streamable-http", "sse"},
		},
		"v1beta1 short name": {
			args: []string{"explain", "vmcp.spec.groupRef", "--api-version=toolhive.stacklok.dev/v1beta1"},
			want: []string{"VERSION:    v1beta1", "names the MCPGroup whose members are the backends"},
		},
		"shared OIDC reference": {
			args: []string{"explain", "mcpserver.spec.oidcConfigRef.audience", "--api-version=toolhive.stacklok.dev/v1beta1"},
			want: []string{"the token's aud claim must contain for this workload"},
		},
		"new kind by short name": {
			args: []string{"explain", "mcpoidc.spec"},
			want: []string{"KIND:       MCPOIDCConfig", "kubernetesServiceAccount", "inline"},
		},
		"field without behaviour says so": {
			args: []string{"explain", "vmcp.spec.config.codeMode"},
			want: []string{"CodeMode exposes the backends", "Unsupported"},
		},
		"embedded auth server sub-field with its default": {
			args: []string{"explain", "mcpextauth.spec.embeddedAuthServer.storage.redis.dialTimeout"},
			want: []string{"bounds opening a connection", "5s when unset"},
		},
		"config field reported Unsupported": {
			args: []string{"explain", "vmcp.spec.config.operational.listChanged"},
			want: []string{"list_changed notifications", "Unsupported"},
		},
		"config field that takes effect now": {
			args: []string{"explain", "vmcp.spec.config.audit"},
			want: []string{"structured JSON audit event", "fast path"},
		},
		// The example: an enum field says what each value does and which is the default.
		"enum values and default": {
			args: []string{"explain", "vmcp.spec.config.aggregation.conflictResolution"},
			want: []string{"FIELD: conflictResolution <string>", "prefix", "priority", "manual", "default"},
		},
		"composite tool step": {
			args: []string{"explain", "virtualmcpcompositetooldefinitions.spec.steps.tool"},
			want: []string{"<workload>.<tool_name>"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(kubectl, append([]string{"--kubeconfig", path, "--cache-dir", cacheDir}, tc.args...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("kubectl %v: %v\n%s", tc.args, err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("kubectl %v output lacks %q:\n%s", tc.args, w, out)
				}
			}
		})
	}
}

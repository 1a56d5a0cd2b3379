// Package ssa applies manifests in tests exactly as a user would: `kubectl apply
// --server-side --validate=strict` against the local control plane, returning the
// objects as the server stored them.
package ssa

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/mcp-operator/mcp-operator/internal/localcp"
)

// kubectl runs kubectl against cp with stdin and returns stdout, failing the test
// with stderr on error.
func kubectl(t testing.TB, cp *localcp.ControlPlane, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(cp.Kubectl, append([]string{"--kubeconfig", cp.Kubeconfig}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %v failed: %v\n%s\ninput:\n%s", args, err, errb.String(), stdin)
	}
	return out.Bytes()
}

// ApplyStrict creates namespace ns when it does not exist, applies manifests into it
// with strict server-side apply and returns every applied object as stored.
func ApplyStrict(t testing.TB, cp *localcp.ControlPlane, ns string, manifests []byte) []*unstructured.Unstructured {
	t.Helper()
	if cp == nil {
		t.Skip("needs the local control plane (not under -short)")
	}
	kubectl(t, cp, []byte(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"`+ns+`"}}`), "apply", "--server-side", "-f", "-")
	out := kubectl(t, cp, manifests, "apply", "--server-side", "--validate=strict", "--field-manager=kubectl-mcp-test", "-n", ns, "-o", "json", "-f", "-")
	var list struct {
		Kind  string            `json:"kind"`
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("decoding kubectl output: %v", err)
	}
	raws := list.Items
	if list.Kind != "List" {
		raws = []json.RawMessage{out}
	}
	var objs []*unstructured.Unstructured
	for _, r := range raws {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(r); err != nil {
			t.Fatalf("decoding applied object: %v", err)
		}
		objs = append(objs, u)
	}
	return objs
}

// Main is a test package's TestMain body around one shared local control plane:
// it starts the control plane (repoRoot holds bin/k8s and the CRDs), calls setup with
// it, runs the tests and stops it. Under -short no control plane starts, setup is not
// called and tests that need one skip (ApplyStrict does so for a nil control plane).
func Main(m *testing.M, repoRoot string, setup func(*localcp.ControlPlane) error) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	root, err := filepath.Abs(repoRoot)
	if err == nil {
		var cp *localcp.ControlPlane
		if cp, err = localcp.Start(localcp.Options{RepoRoot: root}); err == nil {
			defer func() { _ = cp.Stop() }()
			if err = setup(cp); err == nil {
				return m.Run()
			}
		}
	}
	fmt.Fprintln(os.Stderr, "local control plane:", err)
	return 1
}

// Package ssa applies manifests in tests exactly as a user would: `kubectl apply
// --server-side --validate=strict` against the local control plane, returning the
// objects as the server stored them.
package ssa

import (
	"bytes"
	"encoding/json"
	"os/exec"
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

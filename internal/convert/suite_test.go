package convert_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/convert"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
)

// The shared control plane of this package (nil under -short: the apply tests skip).
var (
	cp  *localcp.ControlPlane
	cli client.Client
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	var err error
	if cp, err = localcp.Start(localcp.Options{RepoRoot: root}); err != nil {
		fmt.Fprintln(os.Stderr, "internal/convert:", err)
		os.Exit(1)
	}
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	if cli, err = client.New(cp.Config, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintln(os.Stderr, "internal/convert:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = cp.Stop()
	os.Exit(code)
}

// applyStrict applies manifests with `kubectl apply --server-side --validate=strict`
// into a fresh namespace and returns every applied object as the server stores it.
func applyStrict(t *testing.T, ns string, manifests []byte) []*unstructured.Unstructured {
	t.Helper()
	if cp == nil {
		t.Skip("needs the local control plane (not under -short)")
	}
	ctx := context.Background()
	if err := cli.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
	cmd := exec.Command(cp.Kubectl, "--kubeconfig", cp.Kubeconfig, "apply", "--server-side", "--validate=strict",
		"--field-manager=kubectl-mcp-test", "-n", ns, "-o", "json", "-f", "-")
	cmd.Stdin = bytes.NewReader(manifests)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl apply --server-side --validate=strict failed: %v\n%s\nmanifests:\n%s", err, errb.String(), manifests)
	}
	var list struct {
		Kind  string            `json:"kind"`
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(out.Bytes(), &list); err != nil {
		t.Fatalf("decoding kubectl output: %v", err)
	}
	raws := list.Items
	if list.Kind != "List" {
		raws = []json.RawMessage{out.Bytes()}
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

// assertStored checks that every field the converter wrote is stored unchanged:
// the server neither pruned nor rewrote anything (it may only add defaults).
func assertStored(t *testing.T, res *convert.Result, stored []*unstructured.Unstructured) {
	t.Helper()
	if len(stored) != len(res.Objects) {
		t.Fatalf("applied %d objects, converter wrote %d", len(stored), len(res.Objects))
	}
	for i, o := range res.Objects {
		b, _ := json.Marshal(o)
		var want map[string]any
		_ = json.Unmarshal(b, &want)
		if missing := subset("", want["spec"], stored[i].Object["spec"]); missing != "" {
			t.Errorf("%s %s: stored object differs at %s", o.GetObjectKind().GroupVersionKind().Kind, o.GetName(), missing)
		}
		if stored[i].GetName() != o.GetName() || stored[i].GetKind() != o.GetObjectKind().GroupVersionKind().Kind {
			t.Errorf("object %d: stored %s/%s, wrote %s/%s", i, stored[i].GetKind(), stored[i].GetName(), o.GetObjectKind().GroupVersionKind().Kind, o.GetName())
		}
	}
}

// subset returns the first path where want is not contained in got, or "".
func subset(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path
		}
		for k, v := range w {
			if p := subset(path+"."+k, v, g[k]); p != "" {
				return p
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path
		}
		for i := range w {
			if p := subset(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); p != "" {
				return p
			}
		}
		return ""
	}
	if w, ok := want.(float64); ok { // JSON numbers decode as float64, stored ones as int64
		if fmt.Sprint(w) == fmt.Sprint(got) {
			return ""
		}
	}
	if !reflect.DeepEqual(want, got) {
		return fmt.Sprintf("%s (wrote %v, stored %v)", path, want, got)
	}
	return ""
}

// field reads a nested field of a stored object by a dotted path.
func field(u *unstructured.Unstructured, path string) any {
	var cur any = u.Object
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

// byKind returns the stored object of kind (the first one).
func byKind(t *testing.T, objs []*unstructured.Unstructured, kind string) *unstructured.Unstructured {
	t.Helper()
	for _, o := range objs {
		if o.GetKind() == kind {
			return o
		}
	}
	t.Fatalf("no %s among the applied objects", kind)
	return nil
}

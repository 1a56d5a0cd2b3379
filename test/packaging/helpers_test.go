package packaging

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// repoRoot is the repository root (two levels above this package).
var repoRoot = func() string {
	p, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return p
}()

// path joins parts onto the repository root.
func path(parts ...string) string { return filepath.Join(append([]string{repoRoot}, parts...)...) }

// optionalTool returns bin/<name>. When it is missing the test skips on a developer
// machine (saying how to install it) but fails when CI is set: there the packaging
// checks must run.
func optionalTool(t *testing.T, name string) string {
	t.Helper()
	p := path("bin", name)
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("%s is missing: run 'make tools-packaging' (hack/install-tools.sh %s)", p, name)
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; CI is set, so this test may not skip")
		}
		t.Skip(msg + "; skipping because CI is unset")
	}
	return p
}

// requiredTool returns bin/<name>, failing the test when `make tools` has not installed it.
func requiredTool(t *testing.T, name string) string {
	t.Helper()
	p := path("bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: run 'make tools'", p)
	}
	return p
}

// run executes bin with args in the repository root and returns its stdout; a non-zero
// exit fails the test with stderr.
func run(t *testing.T, env []string, bin string, args ...string) string {
	t.Helper()
	out, err := runErr(env, bin, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", filepath.Base(bin), strings.Join(args, " "), err)
	}
	return out
}

// runErr executes bin and returns stdout, or an error carrying stderr.
func runErr(env []string, bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), tail(stdout.String(), 2000))
	}
	return stdout.String(), nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// helmEnv keeps helm's cache, config and data out of the user's home.
func helmEnv(t *testing.T) []string {
	dir := t.TempDir()
	return []string{
		"HELM_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"HELM_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"HELM_DATA_HOME=" + filepath.Join(dir, "data"),
	}
}

// valuesFile writes values (YAML) to a temporary file and returns the helm flags using it.
func valuesFile(t *testing.T, values string) []string {
	t.Helper()
	if values == "" {
		return nil
	}
	f := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(f, []byte(values), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"--values", f}
}

// helmTemplate renders chart (a directory under helm-charts/) as release `release` in namespace ns.
func helmTemplate(t *testing.T, chart, ns, values string) []*unstructured.Unstructured {
	t.Helper()
	helm := optionalTool(t, "helm")
	args := append([]string{"template", "mcp-operator", path("helm-charts", chart), "--namespace", ns}, valuesFile(t, values)...)
	return decodeObjects(t, run(t, helmEnv(t), helm, args...))
}

// kustomizeBuild builds a kustomization directory under config/.
func kustomizeBuild(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	return decodeObjects(t, run(t, nil, requiredTool(t, "kustomize"), "build", path("config", dir)))
}

// decodeObjects splits a multi-document YAML stream into objects, skipping empty documents.
func decodeObjects(t *testing.T, data string) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("decoding manifests: %v", err)
		}
		if len(m) > 0 {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
}

// readObjects decodes every YAML file matching glob (relative to the repository root).
func readObjects(t *testing.T, glob string) []*unstructured.Unstructured {
	t.Helper()
	files, err := filepath.Glob(path(glob))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s (err %v)", glob, err)
	}
	var out []*unstructured.Unstructured
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, decodeObjects(t, string(data))...)
	}
	return out
}

// find returns the objects of the given kind (and name, when not empty).
func find(objs []*unstructured.Unstructured, kind, name string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == kind && (name == "" || o.GetName() == name) {
			out = append(out, o)
		}
	}
	return out
}

// one returns the single object of kind and name, failing otherwise.
func one(t *testing.T, objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	t.Helper()
	got := find(objs, kind, name)
	if len(got) != 1 {
		t.Fatalf("want exactly one %s %q, found %d", kind, name, len(got))
	}
	return got[0]
}

// convert turns a decoded value into a typed one through JSON.
func convert(t *testing.T, in, out any) {
	t.Helper()
	data, err := yaml.Marshal(in)
	if err == nil {
		err = yaml.Unmarshal(data, out)
	}
	if err != nil {
		t.Fatalf("converting %T to %T: %v", in, out, err)
	}
}

// rulesOf returns the rules of a Role or ClusterRole object.
func rulesOf(t *testing.T, o *unstructured.Unstructured) []rbacv1.PolicyRule {
	t.Helper()
	var rules []rbacv1.PolicyRule
	convert(t, o.Object["rules"], &rules)
	return rules
}

// generatedRules are the manager's rules as controller-gen wrote them.
func generatedRules(t *testing.T) []rbacv1.PolicyRule {
	t.Helper()
	objs := readObjects(t, "config/rbac/role.yaml")
	return rulesOf(t, one(t, objs, "ClusterRole", "manager-role"))
}

// container returns the named container of a Deployment object.
func container(t *testing.T, deploy *unstructured.Unstructured, name string) map[string]any {
	t.Helper()
	cs, _, _ := unstructured.NestedSlice(deploy.Object, "spec", "template", "spec", "containers")
	for _, c := range cs {
		if m, ok := c.(map[string]any); ok && m["name"] == name {
			return m
		}
	}
	t.Fatalf("Deployment %s has no container %q", deploy.GetName(), name)
	return nil
}

// envValue returns the literal value of env var name in a container ("", false when absent).
func envValue(c map[string]any, name string) (string, bool) {
	env, _ := c["env"].([]any)
	for _, e := range env {
		if m, ok := e.(map[string]any); ok && m["name"] == name {
			v, _ := m["value"].(string)
			return v, true
		}
	}
	return "", false
}

// stringList converts a decoded []any of strings.
func stringList(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, i := range items {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

// crdCount is the number of CRDs `make manifests` generates, one per kind: the install
// paths (kustomize, Helm chart, OLM bundle) must each carry all of them.
func crdCount(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob(path("config", "crd", "bases", "*.yaml"))
	if err != nil || len(files) < 8 {
		t.Fatalf("config/crd/bases holds %d CRDs (%v): run 'make manifests'", len(files), err)
	}
	return len(files)
}

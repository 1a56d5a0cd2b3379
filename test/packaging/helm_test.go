package packaging

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// chartCase is one chart rendered with one set of values.
type chartCase struct {
	chart  string
	values string
}

// chartCases are the value sets every chart test (lint, template, dry-run) uses.
var chartCases = map[string]chartCase{
	"crds/default":              {chart: "mcp-operator-crds"},
	"crds/no-keep":              {chart: "mcp-operator-crds", values: "keep: false\nlabels: {team: platform}\n"},
	"operator/default":          {chart: "mcp-operator"},
	"operator/watch-namespaces": {chart: "mcp-operator", values: "watchNamespace: team-a, team-b\nlogLevel: debug\n"},
	"operator/customised": {chart: "mcp-operator", values: `
replicaCount: 2
image: {repository: registry.example.com/manager, digest: "sha256:` + strings.Repeat("ab", 32) + `"}
images: {proxyRunner: {repository: registry.example.com/proxyrunner, tag: v9}}
metrics: {enabled: false}
serviceAccount: {create: false, name: existing}
env: [{name: HTTP_PROXY, value: "http://proxy:3128"}]
extraArgs: [--max-concurrent-reconciles=8]
`},
}

const releaseNamespace = "mcp-operator-system"

func TestHelmLint(t *testing.T) {
	helm := optionalTool(t, "helm")
	for name, tc := range chartCases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"lint", "--strict", path("helm-charts", tc.chart)}, valuesFile(t, tc.values)...)
			out := run(t, helmEnv(t), helm, args...)
			if !strings.Contains(out, "0 chart(s) failed") || strings.Contains(out, "[WARNING]") || strings.Contains(out, "[ERROR]") {
				t.Fatalf("helm lint not clean:\n%s", out)
			}
		})
	}
}

func TestOperatorChartRendersClusterWide(t *testing.T) {
	objs := helmTemplate(t, "mcp-operator", releaseNamespace, "")
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o.GetKind()]++
		if o.GetKind() != "ClusterRole" && o.GetKind() != "ClusterRoleBinding" && o.GetNamespace() != releaseNamespace {
			t.Errorf("%s %s is in namespace %q, want the release namespace", o.GetKind(), o.GetName(), o.GetNamespace())
		}
	}
	want := map[string]int{"ServiceAccount": 1, "ClusterRole": 1, "ClusterRoleBinding": 1, "Role": 1, "RoleBinding": 1, "Service": 1, "Deployment": 1}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Fatalf("rendered kinds (-want +got):\n%s", diff)
	}
	binding := one(t, objs, "ClusterRoleBinding", "mcp-operator-manager")
	var ref struct {
		RoleRef  struct{ Kind, Name string }
		Subjects []struct{ Kind, Name, Namespace string }
	}
	convert(t, map[string]any{"roleRef": binding.Object["roleRef"], "subjects": binding.Object["subjects"]}, &ref)
	if ref.RoleRef.Name != "mcp-operator-manager" || len(ref.Subjects) != 1 || ref.Subjects[0].Name != "mcp-operator" || ref.Subjects[0].Namespace != releaseNamespace {
		t.Errorf("ClusterRoleBinding does not bind the manager's service account to its ClusterRole: %+v", ref)
	}

	deploy := one(t, objs, "Deployment", "mcp-operator")
	c := container(t, deploy, "manager")
	appVersion := chartAppVersion(t, "mcp-operator")
	if c["image"] != "ghcr.io/mcp-operator/manager:"+appVersion {
		t.Errorf("image = %v, want ghcr.io/mcp-operator/manager:%s", c["image"], appVersion)
	}
	for _, arg := range []string{"--metrics-bind-address=:8080", "--health-probe-bind-address=:8081", "--leader-elect"} {
		if !slices.Contains(stringList(c["args"]), arg) {
			t.Errorf("args %v lack %s", c["args"], arg)
		}
	}
	wantEnv := map[string]string{
		"WATCH_NAMESPACE":    "",
		"PROXY_RUNNER_IMAGE": "ghcr.io/mcp-operator/proxyrunner:" + appVersion,
		"VMCP_IMAGE":         "ghcr.io/mcp-operator/vmcp:" + appVersion,
		"REGISTRY_API_IMAGE": "ghcr.io/stacklok/thv-registry-api:latest",
		"LOG_LEVEL":          "info",
	}
	for k, v := range wantEnv {
		if got, ok := envValue(c, k); !ok || got != v {
			t.Errorf("env %s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	checkRestricted(t, deploy)
	checkProbes(t, c)
}

func TestOperatorChartRendersNamespaceScoped(t *testing.T) {
	objs := helmTemplate(t, "mcp-operator", releaseNamespace, chartCases["operator/watch-namespaces"].values)
	if n := len(find(objs, "ClusterRole", "")) + len(find(objs, "ClusterRoleBinding", "")); n != 0 {
		t.Errorf("a namespace-scoped install renders %d cluster-wide RBAC objects, want 0", n)
	}
	for _, ns := range []string{"team-a", "team-b"} {
		var role *unstructured.Unstructured
		for _, r := range find(objs, "Role", "mcp-operator-manager") {
			if r.GetNamespace() == ns {
				role = r
			}
		}
		if role == nil {
			t.Fatalf("no manager Role in watched namespace %s", ns)
		}
		if diff := cmp.Diff(generatedRules(t), rulesOf(t, role)); diff != "" {
			t.Errorf("Role in %s differs from config/rbac/role.yaml (-want +got):\n%s", ns, diff)
		}
		found := false
		for _, b := range find(objs, "RoleBinding", "mcp-operator-manager") {
			found = found || b.GetNamespace() == ns
		}
		if !found {
			t.Errorf("no manager RoleBinding in watched namespace %s", ns)
		}
	}
	c := container(t, one(t, objs, "Deployment", "mcp-operator"), "manager")
	if v, _ := envValue(c, "WATCH_NAMESPACE"); v != "team-a,team-b" {
		t.Errorf("WATCH_NAMESPACE = %q, want team-a,team-b", v)
	}
	if v, _ := envValue(c, "LOG_LEVEL"); v != "debug" {
		t.Errorf("LOG_LEVEL = %q, want debug", v)
	}
}

func TestOperatorChartCustomValues(t *testing.T) {
	objs := helmTemplate(t, "mcp-operator", releaseNamespace, chartCases["operator/customised"].values)
	if len(find(objs, "ServiceAccount", "")) != 0 || len(find(objs, "Service", "")) != 0 {
		t.Errorf("serviceAccount.create=false and metrics.enabled=false still render a ServiceAccount or Service")
	}
	deploy := one(t, objs, "Deployment", "mcp-operator")
	if r, _, _ := unstructured.NestedFieldNoCopy(deploy.Object, "spec", "replicas"); fmt.Sprint(r) != "2" {
		t.Errorf("replicas = %v, want 2", r)
	}
	if sa, _, _ := unstructured.NestedString(deploy.Object, "spec", "template", "spec", "serviceAccountName"); sa != "existing" {
		t.Errorf("serviceAccountName = %q, want existing", sa)
	}
	c := container(t, deploy, "manager")
	if want := "registry.example.com/manager@sha256:" + strings.Repeat("ab", 32); c["image"] != want {
		t.Errorf("image = %v, want %s", c["image"], want)
	}
	args := stringList(c["args"])
	for _, want := range []string{"--metrics-bind-address=0", "--max-concurrent-reconciles=8"} {
		if !slices.Contains(args, want) {
			t.Errorf("args %v lack %s", args, want)
		}
	}
	for k, v := range map[string]string{"PROXY_RUNNER_IMAGE": "registry.example.com/proxyrunner:v9", "HTTP_PROXY": "http://proxy:3128"} {
		if got, _ := envValue(c, k); got != v {
			t.Errorf("env %s = %q, want %q", k, got, v)
		}
	}
}

func TestChartValuesSchemaRejectsMistakes(t *testing.T) {
	helm := optionalTool(t, "helm")
	tests := map[string]struct {
		chart, values, wantErr string
	}{
		"unknown top-level key":         {"mcp-operator", "replicas: 2", "additional properties 'replicas' not allowed"},
		"unknown nested key":            {"mcp-operator", "image: {repo: x}", "additional properties 'repo' not allowed"},
		"log level not in enum":         {"mcp-operator", "logLevel: verbose", "/logLevel"},
		"invalid namespace name":        {"mcp-operator", "watchNamespace: Team_A", "/watchNamespace"},
		"port out of range":             {"mcp-operator", "metrics: {port: 70000}", "/metrics/port"},
		"bad digest":                    {"mcp-operator", "image: {repository: x, digest: latest}", "/image/digest"},
		"replicas without leader elect": {"mcp-operator", "replicaCount: 2\nleaderElection: {enabled: false}", "leaderElection.enabled"},
		"crds: keep not boolean":        {"mcp-operator-crds", "keep: sometimes", "/keep"},
		"crds: unknown key":             {"mcp-operator-crds", "crds: {install: true}", "additional properties 'crds' not allowed"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"template", "x", path("helm-charts", tc.chart)}, valuesFile(t, tc.values)...)
			_, err := runErr(helmEnv(t), helm, args...)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("helm template with %q: want an error containing %q, got %v", tc.values, tc.wantErr, err)
			}
		})
	}
}

func TestCRDChartMatchesGeneratedCRDs(t *testing.T) {
	bases := map[string]*unstructured.Unstructured{}
	for _, crd := range readObjects(t, "config/crd/bases/*.yaml") {
		bases[crd.GetName()] = crd
	}
	if len(bases) != 14 {
		t.Fatalf("config/crd/bases holds %d CRDs, want 14 (run 'make manifests')", len(bases))
	}
	tests := map[string]struct {
		values   string
		wantKeep bool
	}{
		"default keeps CRDs on uninstall": {values: "", wantKeep: true},
		"keep disabled":                   {values: "keep: false", wantKeep: false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rendered := helmTemplate(t, "mcp-operator-crds", "default", tc.values)
			if len(rendered) != len(bases) {
				t.Fatalf("chart renders %d objects, want the %d CRDs of config/crd/bases", len(rendered), len(bases))
			}
			for _, got := range rendered {
				base, ok := bases[got.GetName()]
				if !ok {
					t.Fatalf("chart renders %s, which config/crd/bases lacks", got.GetName())
				}
				// Through JSON both sides hold the same number types.
				var wantSpec, gotSpec any
				convert(t, base.Object["spec"], &wantSpec)
				convert(t, got.Object["spec"], &gotSpec)
				if !reflect.DeepEqual(wantSpec, gotSpec) {
					t.Errorf("%s: rendered spec differs from config/crd/bases:\n%s", got.GetName(), cmp.Diff(wantSpec, gotSpec))
				}
				ann := got.GetAnnotations()
				for k, v := range base.GetAnnotations() {
					if ann[k] != v {
						t.Errorf("%s: annotation %s = %q, want %q", got.GetName(), k, ann[k], v)
					}
				}
				if _, keep := ann["helm.sh/resource-policy"]; keep != tc.wantKeep || (keep && ann["helm.sh/resource-policy"] != "keep") {
					t.Errorf("%s: resource-policy annotation %q, want keep=%v", got.GetName(), ann["helm.sh/resource-policy"], tc.wantKeep)
				}
				if got.GetLabels()["app.kubernetes.io/part-of"] != "mcp-operator" {
					t.Errorf("%s: labels %v lack app.kubernetes.io/part-of", got.GetName(), got.GetLabels())
				}
			}
		})
	}
}

// TestChartCopiesAreFresh catches a commit that changed the CRDs or RBAC markers without
// `make manifests` (which copies them into the charts).
func TestChartCopiesAreFresh(t *testing.T) {
	pairs := map[string]string{
		"config/rbac/role.yaml": "helm-charts/mcp-operator/files/manager-role.yaml",
	}
	bases, _ := os.ReadDir(path("config/crd/bases"))
	for _, b := range bases {
		pairs["config/crd/bases/"+b.Name()] = "helm-charts/mcp-operator-crds/files/crds/" + b.Name()
	}
	copies, _ := os.ReadDir(path("helm-charts/mcp-operator-crds/files/crds"))
	if len(copies) != len(bases) {
		t.Errorf("helm-charts/mcp-operator-crds/files/crds holds %d files, config/crd/bases %d: run 'make manifests'", len(copies), len(bases))
	}
	for src, dst := range pairs {
		want, err1 := os.ReadFile(path(src))
		got, err2 := os.ReadFile(path(dst))
		if err1 != nil || err2 != nil || string(want) != string(got) {
			t.Errorf("%s is not a copy of %s (errors %v, %v): run 'make manifests'", dst, src, err1, err2)
		}
	}
}

// checkRestricted asserts the pod meets the restricted Pod Security Standard.
func checkRestricted(t *testing.T, deploy *unstructured.Unstructured) {
	t.Helper()
	pod, _, _ := unstructured.NestedMap(deploy.Object, "spec", "template", "spec", "securityContext")
	if pod["runAsNonRoot"] != true {
		t.Errorf("%s: pod runAsNonRoot = %v, want true", deploy.GetName(), pod["runAsNonRoot"])
	}
	if seccomp, _, _ := unstructured.NestedString(pod, "seccompProfile", "type"); seccomp != "RuntimeDefault" {
		t.Errorf("%s: pod seccompProfile = %q, want RuntimeDefault", deploy.GetName(), seccomp)
	}
	c := container(t, deploy, "manager")
	sc, _ := c["securityContext"].(map[string]any)
	if sc["allowPrivilegeEscalation"] != false || sc["readOnlyRootFilesystem"] != true {
		t.Errorf("%s: container securityContext %v must forbid privilege escalation and use a read-only root", deploy.GetName(), sc)
	}
	if drop, _, _ := unstructured.NestedStringSlice(sc, "capabilities", "drop"); !slices.Equal(drop, []string{"ALL"}) {
		t.Errorf("%s: capabilities.drop = %v, want [ALL]", deploy.GetName(), drop)
	}
}

// checkProbes asserts the liveness and readiness probes use the manager's /healthz and /readyz.
func checkProbes(t *testing.T, c map[string]any) {
	t.Helper()
	for probe, want := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		if got, _, _ := unstructured.NestedString(c, probe, "httpGet", "path"); got != want {
			t.Errorf("%s path = %q, want %q", probe, got, want)
		}
	}
}

// chartAppVersion reads appVersion from a chart's Chart.yaml.
func chartAppVersion(t *testing.T, chart string) string {
	t.Helper()
	data, err := os.ReadFile(path("helm-charts", chart, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		AppVersion string `json:"appVersion"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil || c.AppVersion == "" {
		t.Fatalf("%s/Chart.yaml: no appVersion (%v)", chart, err)
	}
	return c.AppVersion
}

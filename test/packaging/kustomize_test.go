package packaging

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestKustomizeDefault(t *testing.T) {
	objs := kustomizeBuild(t, "default")
	if n := len(find(objs, "CustomResourceDefinition", "")); n != 14 {
		t.Errorf("config/default has %d CRDs, want 14", n)
	}
	one(t, objs, "Namespace", "mcp-operator-system")
	for _, o := range objs {
		switch o.GetKind() {
		case "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding":
		default:
			if o.GetNamespace() != "mcp-operator-system" {
				t.Errorf("%s %s is in namespace %q, want mcp-operator-system", o.GetKind(), o.GetName(), o.GetNamespace())
			}
			if !strings.HasPrefix(o.GetName(), "mcp-operator-") {
				t.Errorf("%s %s lacks the name prefix mcp-operator-", o.GetKind(), o.GetName())
			}
		}
	}
	deploy := one(t, objs, "Deployment", "mcp-operator-controller-manager")
	checkRestricted(t, deploy)
	c := container(t, deploy, "manager")
	checkProbes(t, c)
	if sa, _, _ := unstructured.NestedString(deploy.Object, "spec", "template", "spec", "serviceAccountName"); sa != "mcp-operator-controller-manager" {
		t.Errorf("serviceAccountName = %q, want the prefixed mcp-operator-controller-manager", sa)
	}
	if img, _ := c["image"].(string); !strings.HasPrefix(img, "ghcr.io/mcp-operator/manager:") {
		t.Errorf("image = %q, want ghcr.io/mcp-operator/manager:<version>", img)
	}
}

// TestManagerFlagsAndEnvExist checks every flag and environment variable the install
// manifests pass to the manager is one cmd/manager defines, so a renamed flag cannot
// leave the charts starting a manager that exits on an unknown flag.
func TestManagerFlagsAndEnvExist(t *testing.T) {
	src, err := os.ReadFile(path("cmd/manager/main.go"))
	if err != nil {
		t.Fatalf("reading the manager's flags: %v", err)
	}
	// Environment variables are read by the manager or by pkg/logging (LOG_LEVEL, LOG_FORMAT).
	logging, err := os.ReadFile(path("pkg/logging/logging.go"))
	if err != nil {
		t.Fatal(err)
	}
	readers := string(src) + string(logging)
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`\.(?:String|Bool|Int|Int64|Duration|Float64|Uint)Var\([^,]+,\s*"([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		defined[m[1]] = true
	}
	if !defined["leader-elect"] {
		t.Fatalf("found no flag definitions in cmd/manager/main.go (got %v): update this test's pattern", defined)
	}
	sources := map[string]func(t *testing.T) *unstructured.Unstructured{
		"helm default": func(t *testing.T) *unstructured.Unstructured {
			return one(t, helmTemplate(t, "mcp-operator", releaseNamespace, ""), "Deployment", "mcp-operator")
		},
		"helm customised": func(t *testing.T) *unstructured.Unstructured {
			return one(t, helmTemplate(t, "mcp-operator", releaseNamespace, chartCases["operator/customised"].values+"allowLoopbackEndpoints: true\n"), "Deployment", "mcp-operator")
		},
		"kustomize": func(t *testing.T) *unstructured.Unstructured {
			return one(t, kustomizeBuild(t, "default"), "Deployment", "mcp-operator-controller-manager")
		},
	}
	for name, get := range sources {
		t.Run(name, func(t *testing.T) {
			c := container(t, get(t), "manager")
			for _, arg := range stringList(c["args"]) {
				flag := strings.SplitN(strings.TrimLeft(arg, "-"), "=", 2)[0]
				if !defined[flag] {
					t.Errorf("argument %s: cmd/manager defines no flag %q", arg, flag)
				}
			}
			env, _ := c["env"].([]any)
			for _, e := range env {
				n, _ := e.(map[string]any)["name"].(string)
				if n == "HTTP_PROXY" {
					continue // read by operator-lib's proxy package and passed on to workloads
				}
				if !strings.Contains(readers, `"`+n+`"`) {
					t.Errorf("env %s: neither cmd/manager nor pkg/logging reads it", n)
				}
			}
			if cmd := stringList(c["command"]); !slices.Equal(cmd, []string{"/manager"}) {
				t.Errorf("command = %v, want [/manager] (the Dockerfile's manager entrypoint)", cmd)
			}
		})
	}
}

// TestSamplesCoverEveryKindAndVersion checks config/samples holds one sample per kind and
// served version, and that the kinds are exactly those of the CRDs.
func TestSamplesCoverEveryKindAndVersion(t *testing.T) {
	want := map[string]bool{}
	for _, crd := range readObjects(t, "config/crd/bases/*.yaml") {
		kind, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "kind")
		group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		for _, v := range versions {
			if m := v.(map[string]any); m["served"] == true {
				want[group+"/"+m["name"].(string)+"/"+kind] = true
			}
		}
	}
	got := map[string]int{}
	for _, o := range kustomizeBuild(t, "samples") {
		got[o.GetAPIVersion()+"/"+o.GetKind()]++
		if o.GetNamespace() != "" {
			t.Errorf("sample %s %s sets a namespace; samples must apply to any namespace", o.GetKind(), o.GetName())
		}
	}
	for k := range want {
		if got[k] != 1 {
			t.Errorf("config/samples has %d samples of %s, want 1", got[k], k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("config/samples has a %s, which no CRD serves", k)
		}
	}
}

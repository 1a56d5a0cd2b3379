package packaging

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// csv holds the parts of a ClusterServiceVersion the tests read (the operator-framework
// API module is not a dependency of this project).
type csv struct {
	Metadata struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Version                   string `json:"version"`
		CustomResourceDefinitions struct {
			Owned []ownedCRD `json:"owned"`
		} `json:"customresourcedefinitions"`
		InstallModes []struct {
			Type      string `json:"type"`
			Supported bool   `json:"supported"`
		} `json:"installModes"`
		RelatedImages []struct {
			Name  string `json:"name"`
			Image string `json:"image"`
		} `json:"relatedImages"`
		Install struct {
			Spec struct {
				ClusterPermissions []permissions `json:"clusterPermissions"`
				Permissions        []permissions `json:"permissions"`
				Deployments        []struct {
					Name string                `json:"name"`
					Spec appsv1.DeploymentSpec `json:"spec"`
				} `json:"deployments"`
			} `json:"spec"`
		} `json:"install"`
	} `json:"spec"`
}

type permissions struct {
	ServiceAccountName string              `json:"serviceAccountName"`
	Rules              []rbacv1.PolicyRule `json:"rules"`
}

type ownedCRD struct {
	Name, Version, Kind, DisplayName, Description string
	SpecDescriptors                               []struct{ Path string } `json:"specDescriptors"`
	StatusDescriptors                             []struct{ Path string } `json:"statusDescriptors"`
}

const csvFile = "bundle/manifests/mcp-operator.clusterserviceversion.yaml"

// bundleCSV reads the committed bundle's CSV.
func bundleCSV(t *testing.T) csv {
	t.Helper()
	data, err := os.ReadFile(path(csvFile))
	if err != nil {
		t.Fatalf("reading the bundle (run 'make bundle'): %v", err)
	}
	var c csv
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", csvFile, err)
	}
	return c
}

func TestBundleValidates(t *testing.T) {
	sdk := optionalTool(t, "operator-sdk")
	tests := map[string][]string{
		"default validators":      {"bundle", "validate", "./bundle"},
		"operatorframework suite": {"bundle", "validate", "./bundle", "--select-optional", "suite=operatorframework"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(sdk, args...)
			cmd.Dir = repoRoot
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("operator-sdk %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			if strings.Contains(string(out), "level=warning") || strings.Contains(string(out), "level=error") {
				t.Errorf("operator-sdk %s reports problems:\n%s", strings.Join(args, " "), out)
			}
			if !strings.Contains(string(out), "All validation tests have completed successfully") {
				t.Errorf("operator-sdk did not report success:\n%s", out)
			}
		})
	}
}

// TestBundleIsUpToDate regenerates the bundle into a temporary folder and compares it with
// the committed one: generation is deterministic, so any difference means 'make bundle'
// was not run after config/ changed.
func TestBundleIsUpToDate(t *testing.T) {
	optionalTool(t, "operator-sdk")
	requiredTool(t, "kustomize")
	out := t.TempDir()
	cmd := exec.Command(path("hack", "bundle.sh"), out)
	cmd.Dir = repoRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/bundle.sh: %v\n%s", err, b)
	}
	want := map[string]string{}
	for _, root := range []string{out, repoRoot} {
		err := filepath.WalkDir(filepath.Join(root, "bundle"), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			data, err := os.ReadFile(p)
			if root == out {
				want[rel] = string(data)
				return err
			}
			w, ok := want[rel]
			switch {
			case !ok:
				t.Errorf("%s is committed but no longer generated: run 'make bundle'", rel)
			case w != string(data):
				t.Errorf("%s is stale: run 'make bundle'", rel)
			}
			delete(want, rel)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for rel := range want {
		t.Errorf("%s is generated but not committed: run 'make bundle'", rel)
	}
	gen, _ := os.ReadFile(filepath.Join(out, "bundle.Dockerfile"))
	committed, err := os.ReadFile(path("bundle.Dockerfile"))
	if err != nil || string(gen) != string(committed) {
		t.Errorf("bundle.Dockerfile is stale or missing (%v): run 'make bundle'", err)
	}
}

func TestBundleScorecardConfig(t *testing.T) {
	data, err := os.ReadFile(path("bundle/tests/scorecard/config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Stages []struct {
			Parallel bool `json:"parallel"`
			Tests    []struct {
				Entrypoint []string          `json:"entrypoint"`
				Image      string            `json:"image"`
				Labels     map[string]string `json:"labels"`
			} `json:"tests"`
		} `json:"stages"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("scorecard config: %v", err)
	}
	if cfg.APIVersion != "scorecard.operatorframework.io/v1alpha3" || cfg.Kind != "Configuration" {
		t.Errorf("scorecard config is %s %s, want scorecard.operatorframework.io/v1alpha3 Configuration", cfg.APIVersion, cfg.Kind)
	}
	want := map[string]string{
		"basic-check-spec":         "basic",
		"olm-bundle-validation":    "olm",
		"olm-crds-have-validation": "olm",
		"olm-crds-have-resources":  "olm",
		"olm-spec-descriptors":     "olm",
		"olm-status-descriptors":   "olm",
	}
	got := map[string]string{}
	for _, s := range cfg.Stages {
		for _, tc := range s.Tests {
			if len(tc.Entrypoint) != 2 || tc.Entrypoint[0] != "scorecard-test" || !strings.HasPrefix(tc.Image, "quay.io/operator-framework/scorecard-test:") {
				t.Errorf("malformed scorecard test %+v", tc)
				continue
			}
			got[tc.Entrypoint[1]] = tc.Labels["suite"]
		}
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("scorecard tests (name → suite) = %v, want %v", got, want)
	}
	ann, err := os.ReadFile(path("bundle/metadata/annotations.yaml"))
	if err != nil || !strings.Contains(string(ann), "operators.operatorframework.io.test.config.v1: tests/scorecard/") {
		t.Errorf("bundle/metadata/annotations.yaml does not point at tests/scorecard/ (%v)", err)
	}
}

// TestBundleCSV checks what the offline validators cannot: examples and descriptors for
// every owned API (what scorecard's basic and OLM suites need), install modes, the
// WATCH_NAMESPACE wiring under OLM, and that the bundle's CRDs are the generated ones.
func TestBundleCSV(t *testing.T) {
	c := bundleCSV(t)
	var examples []map[string]any
	if err := json.Unmarshal([]byte(c.Metadata.Annotations["alm-examples"]), &examples); err != nil {
		t.Fatalf("alm-examples: %v", err)
	}
	byGVK := map[string]map[string]any{}
	for _, e := range examples {
		byGVK[e["apiVersion"].(string)+"/"+e["kind"].(string)] = e
	}
	if len(c.Spec.CustomResourceDefinitions.Owned) != 27 {
		t.Errorf("CSV owns %d APIs, want 27 (13 kinds × v1alpha1, v1beta1 and MCPWebhookConfig v1alpha1)", len(c.Spec.CustomResourceDefinitions.Owned))
	}
	for _, o := range c.Spec.CustomResourceDefinitions.Owned {
		gvk := "toolhive.stacklok.dev/" + o.Version + "/" + o.Kind
		if o.Description == "" || o.DisplayName == "" {
			t.Errorf("%s: owned API needs a displayName and description", gvk)
		}
		ex, ok := byGVK[gvk]
		if !ok {
			t.Errorf("%s: no alm-example", gvk)
			continue
		}
		spec, _ := ex["spec"].(map[string]any)
		if len(spec) == 0 {
			t.Errorf("%s: alm-example has no spec (scorecard basic-check-spec fails)", gvk)
		}
		described := map[string]bool{}
		for _, d := range o.SpecDescriptors {
			described[d.Path] = true
		}
		for field := range spec {
			if !described[field] {
				t.Errorf("%s: spec field %q of the alm-example has no specDescriptor (scorecard olm-spec-descriptors fails)", gvk, field)
			}
		}
		if len(o.StatusDescriptors) == 0 {
			t.Errorf("%s: no statusDescriptors", gvk)
		}
	}
	var modes []string
	for _, m := range c.Spec.InstallModes {
		if m.Supported {
			modes = append(modes, m.Type)
		}
	}
	sort.Strings(modes)
	if want := []string{"AllNamespaces", "MultiNamespace", "OwnNamespace", "SingleNamespace"}; !slices.Equal(modes, want) {
		t.Errorf("supported install modes %v, want %v", modes, want)
	}
	if len(c.Spec.Install.Spec.Deployments) != 1 {
		t.Fatalf("CSV installs %d Deployments, want 1", len(c.Spec.Install.Spec.Deployments))
	}
	mgr := c.Spec.Install.Spec.Deployments[0].Spec.Template.Spec.Containers[0]
	watch := false
	for _, e := range mgr.Env {
		watch = watch || (e.Name == "WATCH_NAMESPACE" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
			e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['olm.targetNamespaces']")
	}
	if !watch {
		t.Error("under OLM, WATCH_NAMESPACE must come from the olm.targetNamespaces annotation")
	}
	if _, ok := c.Metadata.Annotations["createdAt"]; ok {
		t.Error("CSV carries createdAt: the bundle would change on every generation")
	}

	bases := readObjects(t, "config/crd/bases/*.yaml")
	inBundle := readObjects(t, "bundle/manifests/toolhive.stacklok.dev_*.yaml")
	if len(inBundle) != len(bases) {
		t.Fatalf("bundle has %d CRDs, config/crd/bases %d: run 'make bundle'", len(inBundle), len(bases))
	}
	for _, b := range bases {
		got := one(t, inBundle, "CustomResourceDefinition", b.GetName())
		var want, have any
		convert(t, b.Object["spec"], &want)
		convert(t, got.Object["spec"], &have)
		if !reflect.DeepEqual(want, have) {
			t.Errorf("bundle CRD %s differs from config/crd/bases: run 'make bundle'", b.GetName())
		}
	}
}

// TestVersionsAgree checks the one release version appears consistently in the charts,
// the kustomize image, the operand images, the Makefile and the bundle.
func TestVersionsAgree(t *testing.T) {
	v := chartAppVersion(t, "mcp-operator")
	if crds := chartAppVersion(t, "mcp-operator-crds"); crds != v {
		t.Errorf("mcp-operator-crds appVersion %s != mcp-operator appVersion %s", crds, v)
	}
	mk, err := os.ReadFile(path("Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^VERSION \?= (\S+)$`).FindSubmatch(mk); m == nil || string(m[1]) != v {
		t.Errorf("Makefile VERSION = %q, want %s", m, v)
	}
	deploy := one(t, kustomizeBuild(t, "default"), "Deployment", "mcp-operator-controller-manager")
	c := container(t, deploy, "manager")
	for name, got := range map[string]any{"kustomize manager image": c["image"]} {
		if got != "ghcr.io/mcp-operator/manager:"+v {
			t.Errorf("%s = %v, want tag %s", name, got, v)
		}
	}
	for _, env := range []string{"PROXY_RUNNER_IMAGE", "VMCP_IMAGE"} {
		if got, _ := envValue(c, env); !strings.HasSuffix(got, ":"+v) {
			t.Errorf("kustomize %s = %q, want tag %s", env, got, v)
		}
	}
	csv := bundleCSV(t)
	if csv.Spec.Version != v || csv.Metadata.Name != "mcp-operator.v"+v {
		t.Errorf("CSV %s version %s, want mcp-operator.v%s", csv.Metadata.Name, csv.Spec.Version, v)
	}
	if img := csv.Metadata.Annotations["containerImage"]; img != "ghcr.io/mcp-operator/manager:"+v {
		t.Errorf("CSV containerImage = %q, want ghcr.io/mcp-operator/manager:%s", img, v)
	}
	related := map[string]string{}
	for _, ri := range csv.Spec.RelatedImages {
		related[ri.Name] = ri.Image
		if ri.Name != "registry-api" && !strings.HasSuffix(ri.Image, ":"+v) { // a third-party image
			t.Errorf("CSV relatedImage %s = %s, want tag %s", ri.Name, ri.Image, v)
		}
	}
	// Mirroring tools and disconnected installs read relatedImages: every image the
	// operator runs must be listed, the operands as the manager's env names them.
	want := map[string]string{"manager": c["image"].(string)}
	want["proxyrunner"], _ = envValue(c, "PROXY_RUNNER_IMAGE")
	want["vmcp"], _ = envValue(c, "VMCP_IMAGE")
	want["registry-api"], _ = envValue(c, "REGISTRY_API_IMAGE")
	want["optimizer"] = "ghcr.io/mcp-operator/optimizer:" + v
	want["embedder"] = "ghcr.io/mcp-operator/embedder:" + v
	for name, img := range want {
		if related[name] != img {
			t.Errorf("CSV relatedImages[%s] = %q, want %q (run 'make bundle')", name, related[name], img)
		}
	}
}

//go:build olm

package cluster

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"sigs.k8s.io/yaml"
)

// make test-olm: OLM installs the operator from a file-based catalog on the real node,
// upgrades it through the channel and uninstalls it; scorecard runs its basic and olm
// suites. `make catalog` (devcluster catalog) built the images under bin/images/olm.
const (
	olmNS        = "olm"
	olmInstallNS = "mcp-olm"
	olmPackage   = "mcp-operator"
	// olmRegistryAddr is the registry served by this test inside the node's network
	// namespace: OLM pulls catalog and bundle images always, so they need one.
	olmRegistryAddr = "127.0.0.1:5000"
	csvV1           = "mcp-operator.v0.1.0"
	csvV2           = "mcp-operator.v0.2.0"
)

// olmDir holds the OLM images, OLM's adapted manifests and the catalog work files.
func olmDir() string { return filepath.Join(root, "bin", "images", "olm") }

func TestMain(m *testing.M) {
	if err := olmSetup(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: test-olm needs a running node with OLM's images (make test-olm):", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func olmSetup() error {
	managerLogs = []string{"-n", olmInstallNS, "-l", "control-plane=controller-manager"}
	if err := connectCluster(); err != nil {
		return err
	}
	if err := serveRegistry(); err != nil {
		return err
	}
	return installOLM()
}

// serveRegistry serves an in-memory registry on 127.0.0.1:5000 of the node's namespace
// (the node's containerd pulls from it) and pushes the catalog and bundle images into it,
// under the names their tarballs carry.
func serveRegistry() error {
	l, err := net.Listen("tcp", olmRegistryAddr)
	if err != nil {
		return fmt.Errorf("registry: %w", err)
	}
	go func() { _ = http.Serve(l, registry.New(registry.Logger(log.New(io.Discard, "", 0)))) }()
	tars, _ := filepath.Glob(filepath.Join(olmDir(), "*.tar"))
	pushed := 0
	for _, t := range tars {
		m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(t) })
		if err != nil || len(m) != 1 || len(m[0].RepoTags) != 1 {
			return fmt.Errorf("image tarball %s: %v", t, err)
		}
		tag := m[0].RepoTags[0]
		if !strings.HasPrefix(tag, "localhost:5000/") {
			continue // imported into containerd instead
		}
		img, err := tarball.ImageFromPath(t, nil)
		if err != nil {
			return fmt.Errorf("read %s: %w", t, err)
		}
		ref, err := name.ParseReference(tag)
		if err != nil {
			return err
		}
		if err := remote.Write(ref, img); err != nil {
			return fmt.Errorf("push %s: %w", tag, err)
		}
		pushed++
	}
	if pushed < 3 {
		return fmt.Errorf("only %d catalog/bundle images in %s (run make catalog)", pushed, olmDir())
	}
	return nil
}

// installOLM installs OLM from its own Helm chart (rendered with OLM's upstream values and
// devcluster catalog's olm-values.yaml, applied with kubectl as OLM's install script does):
// CRDs first, then the deployments; it waits for OLM's packageserver CSV.
func installOLM() error {
	start := time.Now()
	chart := filepath.Join(olmDir(), "chart")
	rendered, err := helm("template", "olm", chart, "-f", filepath.Join(chart, "values-upstream.yaml"), "-f", filepath.Join(olmDir(), "olm-values.yaml"))
	if err != nil {
		return fmt.Errorf("helm template OLM: %v: %s", err, rendered)
	}
	manifest := filepath.Join(os.TempDir(), "olm-rendered.yaml")
	if err := os.WriteFile(manifest, []byte(rendered), 0o644); err != nil {
		return err
	}
	steps := [][]string{
		{"apply", "--server-side", "-f", filepath.Join(chart, "crds")},
		{"wait", "--for=condition=Established", "crd", "--all", "--timeout=90s"},
		{"apply", "-f", manifest},
		{"rollout", "status", "-n", olmNS, "deployment/olm-operator", "--timeout=3m"},
		{"rollout", "status", "-n", olmNS, "deployment/catalog-operator", "--timeout=3m"},
	}
	for _, s := range steps {
		if out, err := kubectl(s...); err != nil {
			return fmt.Errorf("kubectl %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	deadline := time.Now().Add(4 * time.Minute)
	for {
		out, _ := kubectl("get", "csv", "packageserver", "-n", olmNS, "-o", "jsonpath={.status.phase}")
		if out == "Succeeded" {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("OLM's packageserver CSV is %q after 4m", out)
		}
		time.Sleep(time.Second)
	}
	fmt.Printf("OLM installed and its packageserver Succeeded in %.1fs\n", time.Since(start).Seconds())
	return nil
}

// jsonpath reads one field of an object with kubectl.
func jsonpath(t *testing.T, path string, args ...string) string {
	t.Helper()
	out, _ := kubectl(append([]string{"get"}, append(args, "-o", "jsonpath="+path)...)...)
	return strings.TrimSpace(out)
}

// waitField waits until a field of an object has the wanted value.
func waitField(t *testing.T, timeout time.Duration, want, path string, args ...string) {
	t.Helper()
	eventually(t, timeout, fmt.Sprintf("%s of %v is %s", path, args, want), func() error {
		if got := jsonpath(t, path, args...); got != want {
			return fmt.Errorf("it is %q", got)
		}
		return nil
	})
}

// approvePlan approves the InstallPlan of the subscription that installs csv.
func approvePlan(t *testing.T, csv string) {
	t.Helper()
	var plan string
	eventually(t, 3*time.Minute, "an InstallPlan for "+csv, func() error {
		out := mustKubectl(t, "get", "installplan", "-n", olmInstallNS, "-o",
			`jsonpath={range .items[*]}{.metadata.name}={.spec.clusterServiceVersionNames[*]}{"\n"}{end}`)
		for _, line := range strings.Split(out, "\n") {
			if n, csvs, ok := strings.Cut(line, "="); ok && strings.Contains(csvs, csv) {
				plan = n
				return nil
			}
		}
		return fmt.Errorf("install plans: %q", out)
	})
	mustKubectl(t, "patch", "installplan", plan, "-n", olmInstallNS, "--type", "merge", "-p", `{"spec":{"approved":true}}`)
}

// almExample returns the alm-examples entry of the installed CSV with the kind and name.
func almExample(t *testing.T, csv, apiVersion, kind, name string) map[string]any {
	t.Helper()
	var examples []map[string]any
	if err := json.Unmarshal([]byte(jsonpath(t, `{.metadata.annotations.alm-examples}`, "csv", csv, "-n", olmInstallNS)), &examples); err != nil {
		t.Fatalf("alm-examples of %s: %v", csv, err)
	}
	for _, e := range examples {
		md, _ := e["metadata"].(map[string]any)
		if e["apiVersion"] == apiVersion && e["kind"] == kind && md["name"] == name {
			return e
		}
	}
	t.Fatalf("alm-examples of %s has no %s %s %s", csv, apiVersion, kind, name)
	return nil
}

func applyObject(t *testing.T, ns string, obj map[string]any) {
	t.Helper()
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	apply(t, ns, string(data))
}

// TestOLMLifecycle: a user's OLM path. A CatalogSource serves the FBC catalog; an
// OperatorGroup and a Subscription install the operator (CSV Succeeded, the manager runs
// with the CSV's RBAC); the alm-examples reconcile on real pods; an upgrade through the
// channel keeps them working; uninstalling the operator leaves the CRDs and CRs.
func TestOLMLifecycle(t *testing.T) {
	catalogRef := ""
	for _, f := range []string{"catalog-dev.tar"} {
		m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(filepath.Join(olmDir(), f)) })
		if err != nil {
			t.Fatal(err)
		}
		catalogRef = m[0].RepoTags[0]
	}
	start := time.Now()
	step := func(what string) { t.Logf("%-55s at %5.1fs", what, time.Since(start).Seconds()) }

	apply(t, olmNS, `apiVersion: operators.coreos.com/v1alpha1
kind: CatalogSource
metadata: {name: mcp-operator-catalog}
spec:
  sourceType: grpc
  image: `+catalogRef+`
  displayName: mcp-operator (dev)
  publisher: mcp-operator
  grpcPodConfig: {securityContextConfig: restricted}
`)
	waitField(t, 3*time.Minute, "READY", "{.status.connectionState.lastObservedState}", "catalogsource", "mcp-operator-catalog", "-n", olmNS)
	step("CatalogSource READY")
	waitField(t, 2*time.Minute, "alpha", "{.status.defaultChannel}", "packagemanifest", olmPackage, "-n", olmNS)
	step("PackageManifest lists the package")

	_, _ = kubectl("create", "namespace", olmInstallNS)
	apply(t, olmInstallNS, `apiVersion: operators.coreos.com/v1
kind: OperatorGroup
metadata: {name: mcp-operator}
spec: {}
---
apiVersion: operators.coreos.com/v1alpha1
kind: Subscription
metadata: {name: mcp-operator}
spec:
  channel: alpha
  name: `+olmPackage+`
  source: mcp-operator-catalog
  sourceNamespace: `+olmNS+`
  installPlanApproval: Manual
  startingCSV: `+csvV1+`
`)
	approvePlan(t, csvV1)
	waitField(t, 5*time.Minute, "Succeeded", "{.status.phase}", "csv", csvV1, "-n", olmInstallNS)
	step("CSV " + csvV1 + " Succeeded")

	// The manager runs with the CSV's service account and the RBAC OLM made from the CSV.
	sa := jsonpath(t, "{.spec.install.spec.clusterPermissions[0].serviceAccountName}", "csv", csvV1, "-n", olmInstallNS)
	dep := jsonpath(t, "{.spec.install.spec.deployments[0].name}", "csv", csvV1, "-n", olmInstallNS)
	mustKubectl(t, "rollout", "status", "-n", olmInstallNS, "deployment/"+dep, "--timeout=3m")
	if got := jsonpath(t, "{.spec.template.spec.serviceAccountName}", "deployment", dep, "-n", olmInstallNS); got != sa || sa == "" {
		t.Fatalf("the manager runs as %q, the CSV declares %q", got, sa)
	}
	as := "--as=system:serviceaccount:" + olmInstallNS + ":" + sa
	canI := func(args ...string) bool {
		_, err := kubectl(append([]string{"auth", "can-i", "--quiet", as}, args...)...)
		return err == nil // exit status 0 is yes, 1 is no
	}
	for _, can := range [][]string{{"list", "mcpservers.toolhive.stacklok.dev", "--all-namespaces"}, {"create", "statefulsets.apps", "-n", "default"}} {
		if !canI(can...) {
			t.Errorf("the CSV's service account cannot %v", can)
		}
	}
	if canI("delete", "nodes") {
		t.Error("the CSV's service account may delete nodes")
	}
	if out := mustKubectl(t, "get", "clusterrolebinding", "-l", "olm.owner="+csvV1, "-o", "name"); strings.TrimSpace(out) == "" {
		t.Error("no ClusterRoleBinding made by OLM for the CSV")
	}
	if out, _ := kubectl("get", "clusterrole", "-l", "app.kubernetes.io/managed-by=Helm", "-o", "name"); strings.Contains(out, "mcp-operator") {
		t.Errorf("the operator chart's ClusterRoles exist; the OLM install must not use the chart: %s", out)
	}
	step("manager runs with the CSV's RBAC")

	// The v1beta1 examples of alm-examples: a group, a stdio MCPServer and a
	// VirtualMCPServer. Only the image is the local build of the same server.
	ex := "olm-examples"
	_, _ = kubectl("create", "namespace", ex)
	group := almExample(t, csvV1, "toolhive.stacklok.dev/v1beta1", "MCPGroup", "beta-group")
	server := almExample(t, csvV1, "toolhive.stacklok.dev/v1beta1", "MCPServer", "memory")
	server["spec"].(map[string]any)["image"] = memoryImage
	vmcp := almExample(t, csvV1, "toolhive.stacklok.dev/v1beta1", "VirtualMCPServer", "beta-vmcp")
	for _, o := range []map[string]any{group, server, vmcp} {
		applyObject(t, ex, o)
	}
	waitMCPServerReady(t, ex, "memory", 3*time.Minute)
	waitField(t, 3*time.Minute, "Ready", "{.status.phase}", "virtualmcpserver", "beta-vmcp", "-n", ex)
	vmcpURL := "http://vmcp-beta-vmcp." + ex + ".svc.cluster.local:4483/mcp"
	sess := connect(t, vmcpURL, nil)
	callText(t, sess, "create_entities", map[string]any{"entities": []any{
		map[string]any{"name": "olm", "entityType": "test", "observations": []any{"installed by OLM"}}}})
	if got := callText(t, sess, "read_graph", map[string]any{}); !strings.Contains(got, "installed by OLM") {
		t.Fatalf("read_graph through the example VirtualMCPServer answered %q", got)
	}
	step("alm-examples reconcile; a tool answers through vmcp")

	// Upgrade through the channel: the next InstallPlan installs v0.2.0, which replaces v0.1.0.
	approvePlan(t, csvV2)
	waitField(t, 5*time.Minute, "Succeeded", "{.status.phase}", "csv", csvV2, "-n", olmInstallNS)
	eventually(t, 2*time.Minute, csvV1+" replaced", func() error {
		if out, err := kubectl("get", "csv", csvV1, "-n", olmInstallNS); err == nil {
			return fmt.Errorf("still there: %s", out)
		}
		return nil
	})
	waitField(t, time.Minute, csvV2, "{.status.installedCSV}", "subscription", "mcp-operator", "-n", olmInstallNS)
	mustKubectl(t, "rollout", "status", "-n", olmInstallNS, "deployment/"+dep, "--timeout=3m")
	if got := jsonpath(t, "{.metadata.labels.olm\\.owner}", "deployment", dep, "-n", olmInstallNS); got != csvV2 {
		t.Errorf("the manager Deployment belongs to %q after the upgrade, want %s", got, csvV2)
	}
	step("upgraded to " + csvV2)
	waitMCPServerReady(t, ex, "memory", time.Minute)
	after := connect(t, vmcpURL, nil)
	if got := callText(t, after, "read_graph", map[string]any{}); !strings.Contains(got, "installed by OLM") {
		t.Errorf("after the upgrade read_graph answered %q", got)
	}
	// The upgraded manager reconciles new objects too.
	apply(t, ex, `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata: {name: after-upgrade}
spec:
  image: `+everythingImage+`
  transport: stdio
  proxyMode: streamable-http
  proxyPort: 8080
`)
	waitMCPServerReady(t, ex, "after-upgrade", 3*time.Minute)
	step("CRs keep working; a new MCPServer reconciles")

	// Uninstall the operator as OLM users do: the Subscription, then the CSV.
	mustKubectl(t, "delete", "subscription", "mcp-operator", "-n", olmInstallNS)
	mustKubectl(t, "delete", "csv", csvV2, "-n", olmInstallNS)
	eventually(t, 2*time.Minute, "the manager Deployment removed", func() error {
		if out, err := kubectl("get", "deployment", dep, "-n", olmInstallNS); err == nil {
			return fmt.Errorf("still there: %s", out)
		}
		return nil
	})
	for _, crd := range []string{"mcpservers.toolhive.stacklok.dev", "virtualmcpservers.toolhive.stacklok.dev", "mcpgroups.toolhive.stacklok.dev"} {
		mustKubectl(t, "get", "crd", crd)
	}
	for _, o := range [][]string{{"mcpserver", "memory"}, {"mcpserver", "after-upgrade"}, {"virtualmcpserver", "beta-vmcp"}, {"mcpgroup", "beta-group"}} {
		mustKubectl(t, "get", o[0], o[1], "-n", ex)
	}
	step("uninstalled; CRDs and CRs remain")
}

// TestScorecard runs `operator-sdk scorecard` on the bundle against the node, with the
// basic and olm suites of bundle/tests/scorecard/config.yaml. The config names the
// upstream scorecard-test image; the override (--config with the image swapped for the
// local build of the same operator-sdk version, --untar-image) is what test-olm passes.
func TestScorecard(t *testing.T) {
	cfg, err := os.ReadFile(filepath.Join(root, "bundle", "tests", "scorecard", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const upstream = "quay.io/operator-framework/scorecard-test:v1.42.2"
	if !strings.Contains(string(cfg), upstream) {
		t.Fatalf("bundle/tests/scorecard/config.yaml does not use %s", upstream)
	}
	local := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(local, []byte(strings.ReplaceAll(string(cfg), upstream, "localhost/olm/scorecard-test:v1.42.2")), 0o644); err != nil {
		t.Fatal(err)
	}
	ns := namespace(t, "scorecard")
	out, err := run(tool("OPERATOR_SDK", "operator-sdk"), "scorecard", filepath.Join(root, "bundle"), "--config", local,
		"--untar-image", "localhost/olm/scorecard-untar:dev", "--namespace", ns, "--wait-time", "180s", "-o", "json")
	var list struct {
		Items []struct {
			Status struct {
				Results []struct {
					Name, State string
					Errors      []string
					Suggestions []string
				}
			}
		}
	}
	if jerr := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &list); jerr != nil {
		t.Fatalf("operator-sdk scorecard: %v (%v):\n%s", err, jerr, out)
	}
	// olm-crds-have-resources wants every owned CRD to list the objects it creates. The
	// configuration and catalog kinds create none; their empty list is the truth, and the
	// one failure accepted. Every kind that runs a workload must list its objects.
	without := ownedCRDsWithoutResources(t)
	n := 0
	for _, item := range list.Items {
		for _, r := range item.Status.Results {
			n++
			t.Logf("%-32s %s", r.Name, r.State)
			if r.State == "pass" {
				continue
			}
			if r.Name == "olm-crds-have-resources" && len(without) > 0 {
				t.Logf("  accepted: %v create no Kubernetes objects, so their CSV resources are empty", without)
				continue
			}
			t.Errorf("scorecard %s: %s: errors %v suggestions %v", r.Name, r.State, r.Errors, r.Suggestions)
		}
	}
	if n < 6 {
		t.Errorf("scorecard ran %d tests, want the 6 of the basic and olm suites:\n%s", n, out)
	}
}

// createsNothing are the kinds whose controllers only validate and report status: they
// own no Deployment, Service or other object.
var createsNothing = map[string]bool{"MCPGroup": true, "MCPServerEntry": true, "MCPOIDCConfig": true, "MCPAuthzConfig": true,
	"MCPTelemetryConfig": true, "MCPWebhookConfig": true, "MCPExternalAuthConfig": true,
	"MCPToolConfig": true, "VirtualMCPCompositeToolDefinition": true}

// ownedCRDsWithoutResources lists the owned kinds of the bundle's CSV that name no
// resources, failing the test when one of them runs a workload.
func ownedCRDsWithoutResources(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "bundle", "manifests", "mcp-operator.clusterserviceversion.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var csv struct {
		Spec struct {
			CustomResourceDefinitions struct {
				Owned []struct {
					Kind, Version string
					Resources     []map[string]any
				}
			} `json:"customresourcedefinitions"`
		}
	}
	if err := yaml.Unmarshal(data, &csv); err != nil {
		t.Fatal(err)
	}
	var without []string
	for _, o := range csv.Spec.CustomResourceDefinitions.Owned {
		switch {
		case len(o.Resources) > 0:
		case createsNothing[o.Kind]:
			without = append(without, o.Kind+"/"+o.Version)
		default:
			t.Errorf("the CSV lists no resources for %s %s, which runs a workload", o.Kind, o.Version)
		}
	}
	return without
}

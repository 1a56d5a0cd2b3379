package controllers

import (
	"context"
	"fmt"
	"k8s.io/client-go/dynamic"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	vmcpk8s "github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s"
)

// startVMCPManager runs a manager with every reconciler, scoped to ns, for this file's tests.
func startVMCPManager(t *testing.T, ns string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	mgr, _, err := newTestManager(testCfg, []string{ns})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = mgr.Start(ctx) }()
}

func createYAML(t *testing.T, ns, doc string, o client.Object) {
	t.Helper()
	if err := yaml.UnmarshalStrict([]byte(doc), o); err != nil {
		t.Fatal(err)
	}
	o.SetNamespace(ns)
	if err := k8s.Create(context.Background(), o); err != nil {
		t.Fatalf("create %s: %v", o.GetName(), err)
	}
}

// waitVMCP polls the VirtualMCPServer until check passes.
func waitVMCP(t *testing.T, ns, name, what string, check func(*v1alpha1.VirtualMCPServer) error) *v1alpha1.VirtualMCPServer {
	t.Helper()
	var got *v1alpha1.VirtualMCPServer
	eventually(t, what, func() error {
		got = &v1alpha1.VirtualMCPServer{}
		if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, got); err != nil {
			return err
		}
		return check(got)
	})
	return got
}

// phaseAnd checks the phase and, when condType is set, that condition's status.
func phaseAnd(phase v1alpha1.Phase, condType string, status metav1.ConditionStatus, inMsg string) func(*v1alpha1.VirtualMCPServer) error {
	return func(v *v1alpha1.VirtualMCPServer) error {
		if v.Status.Phase != phase || !strings.Contains(v.Status.Message, inMsg) {
			return fmt.Errorf("phase %s %q, want %s containing %q; conditions %+v", v.Status.Phase, v.Status.Message, phase, inMsg, v.Status.Conditions)
		}
		if condType != "" {
			if c := conditions.Get(v.Status.Conditions, condType); c == nil || c.Status != status {
				return fmt.Errorf("%s is %+v, want %s", condType, c, status)
			}
		}
		return nil
	}
}

// markAvailable stands in for the Deployment controller (none runs in envtest).
func markAvailable(t *testing.T, ns, name string, available bool) {
	t.Helper()
	eventually(t, "mark Deployment", func() error {
		d := &appsv1.Deployment{}
		if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, d); err != nil {
			return err
		}
		orig := d.DeepCopy()
		status, n := corev1.ConditionFalse, int32(0)
		if available {
			status, n = corev1.ConditionTrue, 1
		}
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: 1, AvailableReplicas: n, ReadyReplicas: n,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: status, Reason: "Test"}}}
		return k8s.Status().Patch(context.Background(), d, client.MergeFrom(orig))
	})
}

func TestVirtualMCPServerLifecycle(t *testing.T) {
	requireEnv(t)
	ns := "vmcp"
	startVMCPManager(t, ns)
	ctx := context.Background()

	// The seed's form: legacy spec.config.groupRef, top-level aggregation.
	createYAML(t, ns, `
metadata: {name: my-vmcp}
spec:
  config: {groupRef: my-services}
  incomingAuth: {type: anonymous}
  outgoingAuth: {source: discovered}
  aggregation: {conflictResolution: prefix}
  operational: {failureHandling: {partialFailureMode: best_effort}}
`, &v1alpha1.VirtualMCPServer{})

	t.Run("group missing: Pending, GroupRefValidated False", func(t *testing.T) {
		v := waitVMCP(t, ns, "my-vmcp", "pending", phaseAnd(v1alpha1.PhasePending, v1alpha1.ConditionGroupRefValidated, metav1.ConditionFalse, "not found"))
		if v.Status.URL != "http://vmcp-my-vmcp.vmcp.svc.cluster.local:4483" {
			t.Errorf("url %q", v.Status.URL)
		}
		if c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionDeprecated); c == nil || !strings.Contains(c.Message, "spec.config.groupRef") {
			t.Errorf("Deprecated condition %+v", c)
		}
	})

	t.Run("group added later, no backends: Pending with NoBackends", func(t *testing.T) {
		createYAML(t, ns, `metadata: {name: my-services}`, &v1alpha1.MCPGroup{})
		waitVMCP(t, ns, "my-vmcp", "no backends", phaseAnd(v1alpha1.PhasePending, v1alpha1.ConditionReady, metav1.ConditionFalse, "no usable"))
	})

	t.Run("backends discovered: Deployment not ready: Pending; the ConfigMap leaves them to vmcp", func(t *testing.T) {
		createYAML(t, ns, `
metadata: {name: docs}
spec: {remoteUrl: "https://docs.example.com/mcp", transport: streamable-http, groupRef: {name: my-services}}`, &v1alpha1.MCPServerEntry{})
		waitVMCP(t, ns, "my-vmcp", "deployment pending", phaseAnd(v1alpha1.PhasePending, v1alpha1.ConditionReady, metav1.ConditionFalse, "available replicas"))
		cm := &corev1.ConfigMap{}
		// One owner: vmcp discovers the group's members and their outgoing auth live (and
		// reports them in status.discoveredBackends); the file names the group only.
		eventually(t, "configmap names the group, not its members", func() error {
			if err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "my-vmcp-vmcp-config"}, cm); err != nil {
				return err
			}
			cfg := cm.Data["config.yaml"]
			if !strings.Contains(cfg, "groupRef: my-services") || strings.Contains(cfg, "https://docs.example.com/mcp") {
				return fmt.Errorf("config.yaml:\n%s", cfg)
			}
			return nil
		})
		for _, o := range []client.Object{&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "vmcp-my-vmcp"}}, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "my-vmcp-vmcp"}}} {
			if err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: o.GetName()}, o); err != nil {
				t.Errorf("%T %s: %v", o, o.GetName(), err)
			}
		}
	})

	t.Run("Deployment ready: Ready", func(t *testing.T) {
		markAvailable(t, ns, "my-vmcp", true)
		waitVMCP(t, ns, "my-vmcp", "ready", phaseAnd(v1alpha1.PhaseReady, v1alpha1.ConditionReady, metav1.ConditionTrue, "serving"))
	})

	t.Run("vmcp reports an unhealthy backend: Degraded; neither writer clobbers the other", func(t *testing.T) {
		report := vmcpk8s.Report{
			Backends:  []v1alpha1.DiscoveredBackend{{Name: "docs", URL: "https://docs.example.com/mcp", Status: v1alpha1.BackendUnavailable, Message: "connection refused"}},
			Condition: metav1.Condition{Type: v1alpha1.ConditionBackendsDiscovered, Status: metav1.ConditionTrue, Reason: vmcpk8s.ReasonDiscovered, Message: "1 backends discovered, 0 ready", LastTransitionTime: metav1.Now()},
			Time:      metav1.Now(),
		}
		if err := report.Apply(ctx, dynamic.NewForConfigOrDie(testCfg), "my-vmcp", ns); err != nil {
			t.Fatal(err)
		}
		v := waitVMCP(t, ns, "my-vmcp", "degraded", phaseAnd(v1alpha1.PhaseDegraded, v1alpha1.ConditionReady, metav1.ConditionTrue, "docs (unavailable)"))
		if v.Status.BackendCount != 1 || conditions.Get(v.Status.Conditions, v1alpha1.ConditionBackendsDiscovered) == nil {
			t.Fatalf("vmcp's fields lost: %+v", v.Status)
		}
		// A spec change makes the controller write again; vmcp's fields must survive it.
		v.Annotations = map[string]string{"touched": time.Now().String()}
		v.Spec.ServiceType = v1alpha1.ServiceTypeNodePort
		if err := k8s.Update(ctx, v); err != nil {
			t.Fatal(err)
		}
		waitVMCP(t, ns, "my-vmcp", "controller rewrote its fields", func(v *v1alpha1.VirtualMCPServer) error {
			if v.Status.ObservedGeneration != v.Generation {
				return fmt.Errorf("observedGeneration %d of %d", v.Status.ObservedGeneration, v.Generation)
			}
			if v.Status.Runtime == nil || len(v.Status.Runtime.DiscoveredBackends) != 1 || v.Status.Runtime.LastReportTime == nil {
				return fmt.Errorf("vmcp's fields clobbered: %+v", v.Status)
			}
			if len(v.Status.DiscoveredBackends) != 1 || v.Status.BackendCount != 1 || conditions.Get(v.Status.Conditions, v1alpha1.ConditionBackendsDiscovered) == nil {
				return fmt.Errorf("controller's discovery missing: %+v", v.Status)
			}
			return nil
		})
		// And vmcp writing again does not remove the controller's conditions.
		report.Backends[0].Status = v1alpha1.BackendReady
		if err := report.Apply(ctx, dynamic.NewForConfigOrDie(testCfg), "my-vmcp", ns); err != nil {
			t.Fatal(err)
		}
		v = waitVMCP(t, ns, "my-vmcp", "ready again", phaseAnd(v1alpha1.PhaseReady, v1alpha1.ConditionGroupRefValidated, metav1.ConditionTrue, ""))
		if conditions.Get(v.Status.Conditions, v1alpha1.ConditionAuthConfigured) == nil {
			t.Fatalf("controller's conditions clobbered: %+v", v.Status.Conditions)
		}
	})

	t.Run("bad aggregation config: Failed with what to fix", func(t *testing.T) {
		createYAML(t, ns, `
metadata: {name: bad-agg}
spec:
  groupRef: {name: my-services}
  incomingAuth: {type: anonymous}
  config:
    aggregation: {tools: [{workload: docs, filter: [search], overrides: {fetch: {name: get}}}]}
`, &v1alpha1.VirtualMCPServer{})
		waitVMCP(t, ns, "bad-agg", "failed", phaseAnd(v1alpha1.PhaseFailed, v1alpha1.ConditionValid, metav1.ConditionFalse, "removed by filter"))
	})

	t.Run("composite ref missing: Failed; created later: resolved", func(t *testing.T) {
		createYAML(t, ns, `
metadata: {name: with-composite}
spec:
  groupRef: {name: my-services}
  incomingAuth: {type: anonymous}
  config: {compositeToolRefs: [{name: deploy}]}
`, &v1alpha1.VirtualMCPServer{})
		waitVMCP(t, ns, "with-composite", "failed", phaseAnd(v1alpha1.PhaseFailed, v1alpha1.ConditionCompositeToolRefsValidated, metav1.ConditionFalse, `"deploy" not found`))
		createYAML(t, ns, `
metadata: {name: deploy}
spec:
  name: deploy
  steps:
    - {id: fetch, tool: docs.search, arguments: {q: "{{.params.q}}"}}
`, &v1alpha1.VirtualMCPCompositeToolDefinition{})
		waitVMCP(t, ns, "with-composite", "resolved", phaseAnd(v1alpha1.PhasePending, v1alpha1.ConditionCompositeToolRefsValidated, metav1.ConditionTrue, ""))
		eventually(t, "definition lists its referrer", func() error {
			d := &v1alpha1.VirtualMCPCompositeToolDefinition{}
			if err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "deploy"}, d); err != nil {
				return err
			}
			if d.Status.ValidationStatus != v1alpha1.ValidationValid || len(d.Status.ReferencingVirtualServers) != 1 {
				return fmt.Errorf("status %+v", d.Status)
			}
			return nil
		})
	})

	t.Run("podTemplateSpec that is not a pod template: Failed", func(t *testing.T) {
		createYAML(t, ns, `
metadata: {name: bad-pod}
spec:
  groupRef: {name: my-services}
  incomingAuth: {type: anonymous}
  podTemplateSpec: {spec: {containers: [{name: vmcp, notAField: true}]}}
`, &v1alpha1.VirtualMCPServer{})
		waitVMCP(t, ns, "bad-pod", "failed", phaseAnd(v1alpha1.PhaseFailed, v1alpha1.ConditionPodTemplateSpecValid, metav1.ConditionFalse, "podTemplateSpec"))
	})

	// issue 10 item 8: a misspelt container name used to add an empty container and
	// fail at apply with retries; now the condition names the pod's containers.
	t.Run("podTemplateSpec naming a container the pod lacks: Failed, naming the right one", func(t *testing.T) {
		createYAML(t, ns, `
metadata: {name: typo-pod}
spec:
  groupRef: {name: my-services}
  incomingAuth: {type: anonymous}
  podTemplateSpec: {spec: {containers: [{name: vmpc, env: [{name: LOG_LEVEL, value: debug}]}]}}
`, &v1alpha1.VirtualMCPServer{})
		waitVMCP(t, ns, "typo-pod", "failed", phaseAnd(v1alpha1.PhaseFailed, v1alpha1.ConditionPodTemplateSpecValid, metav1.ConditionFalse,
			`the pod has no container "vmpc" (its containers: vmcp)`))
	})

	// issue 10 item 12: only the backend whose MCPExternalAuthConfig is missing is
	// left out (and reported); the VirtualMCPServer keeps serving the others.
	t.Run("missing MCPExternalAuthConfig of one backend: only it is left out", func(t *testing.T) {
		createYAML(t, ns, `
metadata: {name: other-vmcp}
spec:
  groupRef: {name: my-services}
  incomingAuth: {type: anonymous}
  outgoingAuth: {source: inline, backends: {docs: {type: externalAuthConfigRef, externalAuthConfigRef: {name: token}}}}`, &v1alpha1.VirtualMCPServer{})
		waitVMCP(t, ns, "other-vmcp", "docs left out", func(v *v1alpha1.VirtualMCPServer) error {
			c := conditions.Get(v.Status.Conditions, condBackendAuthResolved)
			if v.Status.Phase == v1alpha1.PhaseFailed || c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, `backend docs: MCPExternalAuthConfig "token" not found`) {
				return fmt.Errorf("phase %s, BackendAuthResolved %+v", v.Status.Phase, c)
			}
			return nil
		})
		eventually(t, "config without docs", func() error {
			cm := &corev1.ConfigMap{}
			if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "other-vmcp-vmcp-config"}, cm); err != nil {
				return err
			}
			cfg := cm.Data["config.yaml"]
			if strings.Contains(cfg, "docs") {
				return fmt.Errorf("config.yaml must not name docs:\n%s", cfg)
			}
			return nil
		})
	})
}

func TestCompositeToolDefinitionValidation(t *testing.T) {
	requireEnv(t)
	ns := "ctd"
	startVMCPManager(t, ns)
	createYAML(t, ns, `
metadata: {name: cyclic}
spec:
  name: cyclic
  steps:
    - {id: a, tool: w.t, dependsOn: [b]}
    - {id: b, tool: w.t, dependsOn: [a], arguments: {x: "{{.params.x", y: "{{ .steps.ghost.output }}"}}
`, &v1alpha1.VirtualMCPCompositeToolDefinition{})
	eventually(t, "invalid", func() error {
		d := &v1alpha1.VirtualMCPCompositeToolDefinition{}
		if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "cyclic"}, d); err != nil {
			return err
		}
		errs := strings.Join(d.Status.ValidationErrors, "\n")
		c := conditions.Get(d.Status.Conditions, v1alpha1.ConditionWorkflowValidated)
		for _, want := range []string{"cycle", `refers to step "ghost", which does not exist`, "bad template"} {
			if !strings.Contains(errs, want) {
				return fmt.Errorf("errors %q lack %q", errs, want)
			}
		}
		if d.Status.ValidationStatus != v1alpha1.ValidationInvalid || c == nil || c.Status != metav1.ConditionFalse {
			return fmt.Errorf("status %+v", d.Status)
		}
		return nil
	})
}

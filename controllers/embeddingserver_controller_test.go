package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

// TestEmbeddingServer renders an EmbeddingServer's children, reports its
// status, and wires its URL into a referencing VirtualMCPServer's config.
func TestEmbeddingServer(t *testing.T) {
	requireEnv(t)
	ns := "embedding"
	startVMCPManager(t, ns)
	ctx := context.Background()

	// A VirtualMCPServer referencing an EmbeddingServer that does not exist yet.
	createYAML(t, ns, `
metadata: {name: opt}
spec:
  embeddingServerRef: {name: emb}
  incomingAuth: {type: anonymous}
  config:
    backends: [{name: docs, url: "https://docs.example.com/mcp"}]
    optimizer: {maxToolsToReturn: 5, hybridSearchSemanticRatio: "0.4"}
`, &v1alpha1.VirtualMCPServer{})
	waitVMCP(t, ns, "opt", "missing EmbeddingServer reported", phaseAnd(v1alpha1.PhaseFailed, v1alpha1.ConditionValid, metav1.ConditionFalse, ""))
	v := &v1alpha1.VirtualMCPServer{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "opt"}, v); err != nil {
		t.Fatal(err)
	}
	if c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionValid); c == nil || !strings.Contains(c.Message, `EmbeddingServer "emb" not found`) {
		t.Errorf("Valid condition %+v", c)
	}
	if c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionSemanticSearchAvailable); c == nil || c.Status != metav1.ConditionFalse || c.Reason != v1alpha1.ReasonNotFound {
		t.Errorf("SemanticSearchAvailable condition %+v", c)
	}

	createYAML(t, ns, `
metadata: {name: emb}
spec:
  image: embedder:test
  port: 9090
  args: [--dimensions, "384"]
  env: [{name: EXTRA, value: "1"}]
  hfTokenSecretRef: {name: hf, key: token}
  modelCache: {size: 2Gi}
  resourceOverrides:
    service: {labels: {team: search}}
    statefulSet: {annotations: {note: x}, podTemplateMetadataOverrides: {labels: {pod: web}}}
`, &v1alpha1.EmbeddingServer{})
	emb := &v1alpha1.EmbeddingServer{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: "emb"}, emb); err != nil {
		t.Fatal(err)
	}
	if emb.Spec.Model != v1alpha1.DefaultEmbeddingModel || emb.Spec.ImagePullPolicy != corev1.PullIfNotPresent {
		t.Errorf("schema defaults: model %q pull %q", emb.Spec.Model, emb.Spec.ImagePullPolicy)
	}

	sts, svc := &appsv1.StatefulSet{}, &corev1.Service{}
	eventually(t, "children", func() error {
		for _, o := range []client.Object{sts, svc} {
			if err := get(ns, "emb", o); err != nil {
				return err
			}
			if err := checkChild(o, emb); err != nil {
				return err
			}
		}
		return nil
	})
	c := sts.Spec.Template.Spec.Containers[0]
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if c.Image != "embedder:test" || c.Ports[0].ContainerPort != 9090 || env["MODEL_ID"].Value != v1alpha1.DefaultEmbeddingModel ||
		env["EXTRA"].Value != "1" || env["HF_TOKEN"].ValueFrom == nil || env["HF_TOKEN"].ValueFrom.SecretKeyRef.Name != "hf" ||
		strings.Join(c.Args, " ") != "--dimensions 384" {
		t.Errorf("container %+v", c)
	}
	if len(sts.Spec.VolumeClaimTemplates) != 1 || sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String() != "2Gi" {
		t.Errorf("model cache claim %+v", sts.Spec.VolumeClaimTemplates)
	}
	if sts.Annotations["note"] != "x" || sts.Spec.Template.Labels["pod"] != "web" || svc.Labels["team"] != "search" || svc.Spec.Ports[0].Port != 9090 {
		t.Errorf("overrides: sts %v / pod %v / svc %v", sts.Annotations, sts.Spec.Template.Labels, svc.Labels)
	}

	wantURL := "http://emb.embedding.svc.cluster.local:9090"
	waitEmbedding(t, ns, "emb", func(e *v1alpha1.EmbeddingServer) error {
		if e.Status.Phase != v1alpha1.PhasePending || e.Status.URL != wantURL || e.Status.ReadyReplicas != 0 {
			return fmt.Errorf("status %+v", e.Status)
		}
		return nil
	})
	waitVMCP(t, ns, "opt", "semantic search down while the EmbeddingServer is not ready", semanticSearch(metav1.ConditionFalse, v1alpha1.ReasonNotReady))
	eventually(t, "mark StatefulSet ready", func() error {
		s := &appsv1.StatefulSet{}
		if err := get(ns, "emb", s); err != nil {
			return err
		}
		orig := s.DeepCopy()
		s.Status = appsv1.StatefulSetStatus{Replicas: 1, ReadyReplicas: 1, ObservedGeneration: s.Generation}
		return k8s.Status().Patch(ctx, s, client.MergeFrom(orig))
	})
	waitEmbedding(t, ns, "emb", func(e *v1alpha1.EmbeddingServer) error {
		if e.Status.Phase != v1alpha1.PhaseReady || e.Status.ReadyReplicas != 1 {
			return fmt.Errorf("status %+v", e.Status)
		}
		return nil
	})

	waitVMCP(t, ns, "opt", "semantic search up once the EmbeddingServer is ready", semanticSearch(metav1.ConditionTrue, v1alpha1.ReasonReady))

	// The VirtualMCPServer now gets the URL in its optimizer config.
	eventually(t, "vmcp config wired", func() error {
		cm := &corev1.ConfigMap{}
		if err := get(ns, "opt-vmcp-config", cm); err != nil {
			return err
		}
		cfg := cm.Data["config.yaml"]
		for _, want := range []string{"embeddingService: " + wantURL, "embeddingProvider: tei", "hybridSearchSemanticRatio: \"0.4\"", "maxToolsToReturn: 5"} {
			if !strings.Contains(cfg, want) {
				return fmt.Errorf("config.yaml lacks %q:\n%s", want, cfg)
			}
		}
		return nil
	})
}

// semanticSearch checks a VirtualMCPServer's SemanticSearchAvailable condition.
func semanticSearch(status metav1.ConditionStatus, reason string) func(*v1alpha1.VirtualMCPServer) error {
	return func(v *v1alpha1.VirtualMCPServer) error {
		if c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionSemanticSearchAvailable); c == nil || c.Status != status || c.Reason != reason {
			return fmt.Errorf("SemanticSearchAvailable is %+v, want %s %s", c, status, reason)
		}
		return nil
	}
}

func waitEmbedding(t *testing.T, ns, name string, check func(*v1alpha1.EmbeddingServer) error) {
	t.Helper()
	eventually(t, "EmbeddingServer "+name, func() error {
		e := &v1alpha1.EmbeddingServer{}
		if err := get(ns, name, e); err != nil {
			return err
		}
		return check(e)
	})
}

// TestEmbeddingServerSchema checks the schema rejects bad fields at once.
func TestEmbeddingServerSchema(t *testing.T) {
	requireEnv(t)
	ctx := context.Background()
	for name, spec := range map[string]v1alpha1.EmbeddingServerSpec{
		"port":     {Port: 70000},
		"replicas": {Replicas: ptrInt32(0)},
		"pull":     {ImagePullPolicy: "Sometimes"},
		"access":   {ModelCache: &v1alpha1.ModelCache{AccessMode: "WriteMany"}},
	} {
		e := &v1alpha1.EmbeddingServer{ObjectMeta: metav1.ObjectMeta{Name: "bad-" + name, Namespace: "servers"}, Spec: spec}
		if err := k8s.Create(ctx, e); err == nil {
			t.Errorf("%s: accepted %+v", name, spec)
		}
	}
}

func ptrInt32(v int32) *int32 { return &v }

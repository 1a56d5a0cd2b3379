package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

func TestRegistryConfigProblem(t *testing.T) {
	for in, want := range map[string]string{
		"registryName: x\nregistries: []\n": "",
		"- a\n- b\n":                        "not a YAML mapping",
		"{}":                                "empty configuration",
	} {
		if got := registryConfigProblem(in); (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("registryConfigProblem(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMCPRegistryRendered: an MCPRegistry becomes its ConfigMap (configYAML as is),
// Deployment and Service <name>-api; status follows the Deployment (Pending until a
// replica is ready, then Ready with readyReplicas and url); a change to configYAML
// rolls the pods; a configYAML that is not a mapping fails with Valid False.
func TestMCPRegistryRendered(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	reg := &v1alpha1.MCPRegistry{ObjectMeta: metav1.ObjectMeta{Name: "catalog", Namespace: ns},
		Spec: v1alpha1.MCPRegistrySpec{ConfigYAML: "registryName: catalog\nregistries:\n  - name: upstream\n    format: upstream\n",
			DisplayName: "Team catalog", Volumes: []runtime.RawExtension{{Raw: []byte(`{"name":"cache","emptyDir":{}}`)}},
			VolumeMounts: []runtime.RawExtension{{Raw: []byte(`{"name":"cache","mountPath":"/cache"}`)}}}}
	if err := k8s.Create(ctx, reg); err != nil {
		t.Fatal(err)
	}
	eventually(t, "ConfigMap, Service and Deployment rendered; phase Pending", func() error {
		cm := &corev1.ConfigMap{}
		if err := get(ns, "catalog-registry-api-config", cm); err != nil {
			return err
		}
		if cm.Data["config.yaml"] != reg.Spec.ConfigYAML {
			return fmt.Errorf("config.yaml = %q", cm.Data["config.yaml"])
		}
		if err := get(ns, "catalog-api", &corev1.Service{}); err != nil {
			return err
		}
		d := &appsv1.Deployment{}
		if err := get(ns, "catalog-api", d); err != nil {
			return err
		}
		if c := d.Spec.Template.Spec.Containers[0]; c.Image != DefaultRegistryAPIImage || len(c.VolumeMounts) != 2 {
			return fmt.Errorf("container %+v", c)
		}
		r := &v1alpha1.MCPRegistry{}
		if err := get(ns, reg.Name, r); err != nil {
			return err
		}
		if r.Status.Phase != "Pending" || r.Status.URL != "http://catalog-api.upstream.svc.cluster.local:8080" {
			return fmt.Errorf("status %+v", r.Status)
		}
		if conditions.Get(r.Status.Conditions, v1alpha1.ConditionUnsupported) != nil {
			return fmt.Errorf("still reported Unsupported: %+v", r.Status.Conditions)
		}
		return nil
	})
	// No kubelet here: play the Deployment controller.
	d := &appsv1.Deployment{}
	if err := get(ns, "catalog-api", d); err != nil {
		t.Fatal(err)
	}
	d.Status.Replicas, d.Status.ReadyReplicas = 1, 1
	if err := k8s.Status().Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	eventually(t, "phase Ready with readyReplicas", func() error {
		r := &v1alpha1.MCPRegistry{}
		if err := get(ns, reg.Name, r); err != nil {
			return err
		}
		if r.Status.Phase != "Ready" || r.Status.ReadyReplicas == nil || *r.Status.ReadyReplicas != 1 {
			return fmt.Errorf("status %+v", r.Status)
		}
		return nil
	})
	before := d.Spec.Template.Annotations["toolhive.stacklok.dev/config-hash"]
	r := &v1alpha1.MCPRegistry{}
	if err := get(ns, reg.Name, r); err != nil {
		t.Fatal(err)
	}
	r.Spec.ConfigYAML = "registryName: catalog\nregistries: []\n"
	if err := k8s.Update(ctx, r); err != nil {
		t.Fatal(err)
	}
	eventually(t, "configYAML change rolls the pods", func() error {
		d := &appsv1.Deployment{}
		if err := get(ns, "catalog-api", d); err != nil {
			return err
		}
		if h := d.Spec.Template.Annotations["toolhive.stacklok.dev/config-hash"]; h == before {
			return fmt.Errorf("config hash unchanged")
		}
		return nil
	})
	if err := get(ns, reg.Name, r); err != nil {
		t.Fatal(err)
	}
	r.Spec.ConfigYAML = "- not\n- a mapping\n"
	if err := k8s.Update(ctx, r); err != nil {
		t.Fatal(err)
	}
	eventually(t, "bad configYAML: Valid False, phase Failed", func() error {
		r := &v1alpha1.MCPRegistry{}
		if err := get(ns, reg.Name, r); err != nil {
			return err
		}
		c := conditions.Get(r.Status.Conditions, v1alpha1.ConditionValid)
		if r.Status.Phase != "Failed" || c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, "configYAML") {
			return fmt.Errorf("status %+v", r.Status)
		}
		return nil
	})
}

// TestRegistryImage: REGISTRY_API_IMAGE (Options.RegistryAPIImage) is the image of the
// registry API Deployment; unset, the default.
func TestRegistryImage(t *testing.T) {
	reg := &v1alpha1.MCPRegistry{Spec: v1alpha1.MCPRegistrySpec{ConfigYAML: "sources: []"}}
	for image, want := range map[string]string{"": DefaultRegistryAPIImage, "mirror.example/registry-api:1.2": "mirror.example/registry-api:1.2"} {
		v, err := buildRegistryValues(reg, image)
		if err != nil || v.Image != want {
			t.Errorf("image %q: values image %q (%v), want %q", image, v.Image, err, want)
		}
	}
}

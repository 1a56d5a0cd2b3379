package controllers

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// get fetches ns/name into obj straight from the API server.
func get(ns, name string, obj client.Object) error {
	return k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: name}, obj)
}

// checkChild asserts the documented labels and controller owner reference.
func checkChild(obj client.Object, owner client.Object) error {
	l := obj.GetLabels()
	for k, want := range map[string]string{
		render.LabelName: owner.GetName(), render.LabelInstance: owner.GetName(),
		render.LabelManagedBy: render.ManagedByValue, render.LabelPartOf: render.PartOfValue,
	} {
		if l[k] != want {
			return fmt.Errorf("%T %s: label %s = %q, want %q", obj, obj.GetName(), k, l[k], want)
		}
	}
	if l[render.LabelComponent] == "" {
		return fmt.Errorf("%T %s has no component label", obj, obj.GetName())
	}
	ref := metav1.GetControllerOf(obj)
	if ref == nil || ref.UID != owner.GetUID() {
		return fmt.Errorf("%T %s: controller owner %v, want %s", obj, obj.GetName(), ref, owner.GetUID())
	}
	return nil
}

func TestMCPServerChildrenLifecycle(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "servers"
	server := &v1alpha1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "github", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{
			Image: "ghcr.io/github/github-mcp-server:v0.18.0", Transport: v1alpha1.TransportStdio,
			Port: ptr.To[int32](8080), BackendReplicas: ptr.To[int32](3),
			GroupRef:          &v1alpha1.GroupRef{Name: "nobody", LegacyString: true},
			Secrets:           []v1alpha1.SecretEnv{{Name: "github-token", Key: "token", TargetEnvName: "GITHUB_PERSONAL_ACCESS_TOKEN"}},
			PermissionProfile: &v1alpha1.PermissionProfile{Type: v1alpha1.PermissionProfileBuiltin, Name: v1alpha1.PermissionProfileNone},
			PodTemplateSpec:   &runtime.RawExtension{Raw: []byte(`{"spec":{"containers":[{"name":"mcp","securityContext":{"runAsNonRoot":false}}]}}`)},
		},
	}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	children := map[string]client.Object{
		"github":                &appsv1.Deployment{},
		"github ":               &appsv1.StatefulSet{},
		"mcp-github-proxy":      &corev1.Service{},
		"mcp-github-headless":   &corev1.Service{},
		"github-sa":             &corev1.ServiceAccount{},
		"github-proxy-runner":   &corev1.ServiceAccount{},
		"github-proxy-runner ":  &rbacv1.Role{},
		"github-proxy-runner  ": &rbacv1.RoleBinding{},
		"github-runconfig":      &corev1.ConfigMap{},
		"github-deny-egress":    &networkingv1.NetworkPolicy{},
	}
	t.Run("create", func(t *testing.T) {
		for key, obj := range children {
			name := trimSpace(key)
			eventually(t, "child "+name, func() error {
				if err := get(ns, name, obj); err != nil {
					return err
				}
				return checkChild(obj, server)
			})
		}
		sts := children["github "].(*appsv1.StatefulSet)
		c := sts.Spec.Template.Spec.Containers[0]
		if *sts.Spec.Replicas != 1 || c.Name != "mcp" || !c.Stdin || c.StdinOnce {
			t.Fatalf("stdio StatefulSet: replicas %d, container %s stdin %v stdinOnce %v", *sts.Spec.Replicas, c.Name, c.Stdin, c.StdinOnce)
		}
		if c.Env[0].ValueFrom.SecretKeyRef.Name != "github-token" || c.Env[0].Name != "GITHUB_PERSONAL_ACCESS_TOKEN" {
			t.Fatalf("secret env not injected: %+v", c.Env)
		}
		sc := c.SecurityContext
		if *sc.RunAsNonRoot || !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation || sc.Capabilities.Drop[0] != "ALL" {
			t.Fatalf("security context: user override lost or restricted defaults missing: %+v", sc)
		}
		role := children["github-proxy-runner "].(*rbacv1.Role)
		// Each rule names only the proxy's own pod, or its own MCPServer (status.tools).
		own := map[string]string{"pods": "github-0", "pods/attach": "github-0", "mcpservers/status": "github"}
		if len(role.Rules) != len(own) {
			t.Fatalf("proxy role has %d rules, want %d: %+v", len(role.Rules), len(own), role.Rules)
		}
		for _, rule := range role.Rules {
			if len(rule.Resources) != 1 || len(rule.ResourceNames) != 1 || rule.ResourceNames[0] != own[rule.Resources[0]] {
				t.Fatalf("proxy role not limited to its pod and MCPServer: %+v", rule)
			}
		}
		eventually(t, "status conditions", func() error {
			s := &v1alpha1.MCPServer{}
			if err := get(ns, "github", s); err != nil {
				return err
			}
			for _, ct := range []string{v1alpha1.ConditionStdioReplicaCapped, v1alpha1.ConditionDeprecated} {
				if !conditions.IsTrue(s.Status.Conditions, ct) {
					return fmt.Errorf("condition %s not True: %+v", ct, s.Status.Conditions)
				}
			}
			if !conditions.IsFalse(s.Status.Conditions, v1alpha1.ConditionGroupRefValidated) || s.Status.Phase != v1alpha1.PhasePending {
				return fmt.Errorf("want GroupRefValidated False and Pending: %s %+v", s.Status.Phase, s.Status.Conditions)
			}
			return nil
		})
	})

	t.Run("update spec", func(t *testing.T) {
		patchServer(t, ns, "github", func(s *v1alpha1.MCPServer) { s.Spec.Image = "ghcr.io/github/github-mcp-server:v0.19.0" })
		eventually(t, "statefulset image", func() error {
			sts := &appsv1.StatefulSet{}
			if err := get(ns, "github", sts); err != nil {
				return err
			}
			if img := sts.Spec.Template.Spec.Containers[0].Image; img != "ghcr.io/github/github-mcp-server:v0.19.0" {
				return fmt.Errorf("image %s", img)
			}
			return nil
		})
	})

	t.Run("delete and edit children are restored", func(t *testing.T) {
		svc := &corev1.Service{}
		if err := get(ns, "mcp-github-proxy", svc); err != nil {
			t.Fatal(err)
		}
		oldUID := svc.UID
		if err := k8s.Delete(ctx, svc); err != nil {
			t.Fatal(err)
		}
		eventually(t, "service recreated", func() error {
			s := &corev1.Service{}
			if err := get(ns, "mcp-github-proxy", s); err != nil {
				return err
			}
			if s.UID == oldUID {
				return fmt.Errorf("still the old service")
			}
			return nil
		})
		d := &appsv1.Deployment{}
		if err := get(ns, "github", d); err != nil {
			t.Fatal(err)
		}
		d.Spec.Template.Spec.Containers[0].Image = "evil:latest"
		if err := k8s.Update(ctx, d); err != nil {
			t.Fatal(err)
		}
		eventually(t, "deployment image restored", func() error {
			d := &appsv1.Deployment{}
			if err := get(ns, "github", d); err != nil {
				return err
			}
			if img := d.Spec.Template.Spec.Containers[0].Image; img != "proxyrunner:test" {
				return fmt.Errorf("image %s", img)
			}
			return nil
		})
	})

	t.Run("ready with url", func(t *testing.T) {
		markReady(t, ns, "github")
		eventually(t, "phase Ready", func() error {
			s := &v1alpha1.MCPServer{}
			if err := get(ns, "github", s); err != nil {
				return err
			}
			want := "http://mcp-github-proxy.servers.svc.cluster.local:8080"
			if s.Status.Phase != v1alpha1.PhaseReady || s.Status.URL != want || s.Status.ReadyReplicas != 1 {
				return fmt.Errorf("phase %s url %s ready %d", s.Status.Phase, s.Status.URL, s.Status.ReadyReplicas)
			}
			return nil
		})
	})

	t.Run("restart annotation rolls pods", func(t *testing.T) {
		before := podHash(t, ns, "github")
		patchServer(t, ns, "github", func(s *v1alpha1.MCPServer) {
			s.Annotations = map[string]string{RestartedAtAnnotation: "2026-01-01T00:00:00Z"}
		})
		eventually(t, "pod template hash changes", func() error {
			if h := podHash(t, ns, "github"); h == before {
				return fmt.Errorf("hash still %s", h)
			}
			return nil
		})
	})

	t.Run("transport change prunes stdio RBAC", func(t *testing.T) {
		patchServer(t, ns, "github", func(s *v1alpha1.MCPServer) { s.Spec.Transport = v1alpha1.TransportStreamableHTTP })
		// The Role stays for status.tools, without the pod rules.
		eventually(t, "pod rules pruned", func() error {
			role := &rbacv1.Role{}
			if err := get(ns, "github-proxy-runner", role); err != nil {
				return err
			}
			if len(role.Rules) != 1 || role.Rules[0].Resources[0] != "mcpservers/status" {
				return fmt.Errorf("role rules %+v, want only mcpservers/status", role.Rules)
			}
			return nil
		})
	})
}

func trimSpace(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

// patchServer applies mutate to the MCPServer with a merge patch.
func patchServer(t *testing.T, ns, name string, mutate func(*v1alpha1.MCPServer)) {
	t.Helper()
	s := &v1alpha1.MCPServer{}
	if err := get(ns, name, s); err != nil {
		t.Fatal(err)
	}
	before := s.DeepCopy()
	mutate(s)
	if err := k8s.Patch(context.Background(), s, client.MergeFrom(before)); err != nil {
		t.Fatal(err)
	}
}

// markReady plays the missing kube-controller-manager: it marks the Deployment and StatefulSet ready.
func markReady(t *testing.T, ns, name string) {
	t.Helper()
	ctx := context.Background()
	eventually(t, "mark ready", func() error {
		d := &appsv1.Deployment{}
		if err := get(ns, name, d); err != nil {
			return err
		}
		d.Status.Replicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas = 1, 1, 1
		if err := k8s.Status().Update(ctx, d); err != nil {
			return err
		}
		sts := &appsv1.StatefulSet{}
		if err := get(ns, name, sts); err != nil {
			return err
		}
		sts.Status.Replicas, sts.Status.ReadyReplicas = 1, 1
		return k8s.Status().Update(ctx, sts)
	})
}

// podHash returns the proxy Deployment's pod template config-hash annotation.
func podHash(t *testing.T, ns, name string) string {
	t.Helper()
	d := &appsv1.Deployment{}
	if err := get(ns, name, d); err != nil {
		t.Fatal(err)
	}
	return d.Spec.Template.Annotations["toolhive.stacklok.dev/config-hash"]
}

package controllers

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestToolConfigRollsPodsAndBlocksDeletion(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "toolcfg"
	tc := &v1alpha1.MCPToolConfig{ObjectMeta: metav1.ObjectMeta{Name: "filter", Namespace: ns},
		Spec: v1alpha1.MCPToolConfigSpec{ToolsFilter: []string{"fetch"}}}
	if err := k8s.Create(ctx, tc); err != nil {
		t.Fatal(err)
	}
	server := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "fetch", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "example/fetch:1", Transport: v1alpha1.TransportStreamableHTTP,
			ToolConfigRef: &v1alpha1.LocalObjectReference{Name: "filter"}}}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	var hash string
	eventually(t, "deployment with hash", func() error {
		hash = podHashOrEmpty(ns, "fetch")
		if hash == "" {
			return errorf("no hash yet")
		}
		return nil
	})
	eventually(t, "tool config status lists the server", func() error {
		got := &v1alpha1.MCPToolConfig{}
		if err := get(ns, "filter", got); err != nil {
			return err
		}
		if got.Status.ConfigHash == "" || len(got.Status.ReferencingServers) != 1 || got.Status.ReferencingServers[0] != "fetch" {
			return errorf("status %+v", got.Status)
		}
		return nil
	})

	t.Run("change rolls the pod template", func(t *testing.T) {
		got := &v1alpha1.MCPToolConfig{}
		if err := get(ns, "filter", got); err != nil {
			t.Fatal(err)
		}
		got.Spec.ToolsOverride = map[string]config.ToolOverride{"fetch": {Name: "web_fetch"}}
		if err := k8s.Update(ctx, got); err != nil {
			t.Fatal(err)
		}
		eventually(t, "hash changes", func() error {
			if h := podHashOrEmpty(ns, "fetch"); h == hash {
				return errorf("hash still %s", h)
			}
			return nil
		})
	})

	t.Run("deletion blocked while referenced", func(t *testing.T) {
		if err := k8s.Delete(ctx, &v1alpha1.MCPToolConfig{ObjectMeta: metav1.ObjectMeta{Name: "filter", Namespace: ns}}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "DeletionBlocked names the server", func() error {
			got := &v1alpha1.MCPToolConfig{}
			if err := get(ns, "filter", got); err != nil {
				return err
			}
			c := conditions.Get(got.Status.Conditions, CondDeletionBlocked)
			if got.DeletionTimestamp.IsZero() || c == nil || !strings.Contains(c.Message, "MCPServer fetch") {
				return errorf("not blocked: %v %+v", got.DeletionTimestamp, c)
			}
			return nil
		})
		patchServer(t, ns, "fetch", func(s *v1alpha1.MCPServer) { s.Spec.ToolConfigRef = nil })
		eventually(t, "tool config gone", func() error {
			err := get(ns, "filter", &v1alpha1.MCPToolConfig{})
			if apierrors.IsNotFound(err) {
				return nil
			}
			return errorf("still there: %v", err)
		})
	})

	t.Run("missing reference fails the server with a fix", func(t *testing.T) {
		patchServer(t, ns, "fetch", func(s *v1alpha1.MCPServer) {
			s.Spec.ExternalAuthConfigRef = &v1alpha1.LocalObjectReference{Name: "absent"}
		})
		eventually(t, "Failed", func() error {
			s := &v1alpha1.MCPServer{}
			if err := get(ns, "fetch", s); err != nil {
				return err
			}
			if s.Status.Phase != v1alpha1.PhaseFailed || !strings.Contains(s.Status.Message, "create it or remove spec.externalAuthConfigRef") {
				return errorf("phase %s message %q", s.Status.Phase, s.Status.Message)
			}
			return nil
		})
		ea := &v1alpha1.MCPExternalAuthConfig{ObjectMeta: metav1.ObjectMeta{Name: "absent", Namespace: ns},
			Spec: v1alpha1.MCPExternalAuthConfigSpec{Type: v1alpha1.ExternalAuthUnauthenticated}}
		if err := k8s.Create(ctx, ea); err != nil {
			t.Fatal(err)
		}
		eventually(t, "recovers when the config appears", func() error {
			s := &v1alpha1.MCPServer{}
			if err := get(ns, "fetch", s); err != nil {
				return err
			}
			if s.Status.Phase == v1alpha1.PhaseFailed || s.Status.ExternalAuthConfigHash == "" {
				return errorf("phase %s hash %q", s.Status.Phase, s.Status.ExternalAuthConfigHash)
			}
			return nil
		})
	})
}

func podHashOrEmpty(ns, name string) string {
	d := &appsv1.Deployment{}
	if err := get(ns, name, d); err != nil {
		return ""
	}
	return d.Spec.Template.Annotations["toolhive.stacklok.dev/config-hash"]
}

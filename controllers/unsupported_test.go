package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

func TestSetUnsupportedCondition(t *testing.T) {
	tests := map[string]struct {
		before      []string
		fields      []string
		wantChanged bool
		wantReason  string
	}{
		"none, nothing before":   {fields: nil, wantChanged: false},
		"first field":            {fields: []string{"spec.volumes"}, wantChanged: true, wantReason: "SpecVolumes"},
		"same list again":        {before: []string{"spec.volumes"}, fields: []string{"spec.volumes"}, wantChanged: false, wantReason: "SpecVolumes"},
		"list grows":             {before: []string{"spec.volumes"}, fields: []string{"spec.volumes", "spec.config.codeMode"}, wantChanged: true, wantReason: "SpecVolumes,SpecConfigCodeMode"},
		"field removed, cleared": {before: []string{"spec.volumes"}, fields: nil, wantChanged: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var conds []metav1.Condition
			if tc.before != nil {
				setUnsupportedCondition(&conds, tc.before, 1)
			}
			if got := setUnsupportedCondition(&conds, tc.fields, 2); got != tc.wantChanged {
				t.Fatalf("changed = %v, want %v", got, tc.wantChanged)
			}
			c := conditions.Get(conds, v1alpha1.ConditionUnsupported)
			if tc.wantReason == "" {
				if c != nil {
					t.Fatalf("condition should be absent: %+v", c)
				}
				return
			}
			if c == nil || c.Status != metav1.ConditionTrue || c.Reason != tc.wantReason {
				t.Fatalf("condition %+v, want True with reason %s", c, tc.wantReason)
			}
			for _, f := range tc.fields {
				if !strings.Contains(c.Message, f) {
					t.Fatalf("message %q does not name %s", c.Message, f)
				}
			}
		})
	}
}

// TestUnsupportedFieldsReported: an accepted field without behaviour (authServerRef) is
// reported on the resource (condition + Warning event), one that takes effect (volumes)
// is not, and the report goes when the field goes.
func TestUnsupportedFieldsReported(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	server := &v1alpha1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "unsupported", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{
			Image: "ghcr.io/example/mcp:1", Transport: v1alpha1.TransportStdio,
			ProxySpec: v1alpha1.ProxySpec{AuthServerRef: &v1alpha1.AuthServerRef{Kind: "MCPExternalAuthConfig", Name: "embedded"}},
			Volumes:   []v1alpha1.HostVolume{{Name: "data", HostPath: "/srv/data", MountPath: "/data"}},
		},
	}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Unsupported condition and Warning event", func() error {
		s := &v1alpha1.MCPServer{}
		if err := get(ns, server.Name, s); err != nil {
			return err
		}
		c := conditions.Get(s.Status.Conditions, v1alpha1.ConditionUnsupported)
		if c == nil || c.Status != metav1.ConditionTrue || !strings.Contains(c.Message, "spec.authServerRef") ||
			strings.Contains(c.Message, "spec.volumes") || !strings.Contains(c.Reason, "SpecAuthServerRef") {
			return fmt.Errorf("condition %+v", c)
		}
		events := &corev1.EventList{}
		if err := k8s.List(ctx, events, client.InNamespace(ns)); err != nil {
			return err
		}
		for _, ev := range events.Items {
			if ev.InvolvedObject.Name == server.Name && ev.Type == corev1.EventTypeWarning &&
				ev.Reason == v1alpha1.ConditionUnsupported && strings.Contains(ev.Message, "spec.authServerRef") {
				return nil
			}
		}
		return fmt.Errorf("no Warning event %s", v1alpha1.ConditionUnsupported)
	})
	patchServer(t, ns, server.Name, func(s *v1alpha1.MCPServer) {
		s.Spec.AuthServerRef, s.Spec.Volumes = nil, nil
	})
	eventually(t, "Unsupported condition removed", func() error {
		s := &v1alpha1.MCPServer{}
		if err := get(ns, server.Name, s); err != nil {
			return err
		}
		if c := conditions.Get(s.Status.Conditions, v1alpha1.ConditionUnsupported); c != nil {
			return fmt.Errorf("still reported: %+v", c)
		}
		return nil
	})
}

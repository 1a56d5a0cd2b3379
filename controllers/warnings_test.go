package controllers

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

func TestNewWarnings(t *testing.T) {
	f := func(typ, reason, msg string) metav1.Condition {
		return metav1.Condition{Type: typ, Status: metav1.ConditionFalse, Reason: reason, Message: msg}
	}
	ok := metav1.Condition{Type: "Valid", Status: metav1.ConditionTrue, Reason: "Valid"}
	tests := map[string]struct {
		before, after []metav1.Condition
		want          []string
	}{
		"turns false":          {before: []metav1.Condition{ok}, after: []metav1.Condition{f("Valid", "Invalid", "x")}, want: []string{"Valid"}},
		"already reported":     {before: []metav1.Condition{f("Valid", "Invalid", "x")}, after: []metav1.Condition{f("Valid", "Invalid", "x")}},
		"message changed":      {before: []metav1.Condition{f("Valid", "Invalid", "x")}, after: []metav1.Condition{f("Valid", "Invalid", "y")}, want: []string{"Valid"}},
		"transient not warned": {after: []metav1.Condition{f("Ready", v1alpha1.ReasonNotReady, "rolling"), f("Ready", v1alpha1.ReasonPending, "wait")}},
		"true not warned":      {after: []metav1.Condition{ok}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, c := range newWarnings(tc.before, tc.after) {
				got = append(got, c.Type)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestWarningEventsForActionableConditions (issue 10 item 16): a VirtualMCPServer with
// a missing group and an MCPServer with a missing tool config show Warning events.
func TestWarningEventsForActionableConditions(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "harden-events"
	startVMCPManager(t, ns)
	createYAML(t, ns, `
metadata: {name: gw}
spec:
  groupRef: {name: nogroup}
  incomingAuth: {type: anonymous}`, &v1alpha1.VirtualMCPServer{})
	createYAML(t, ns, `
metadata: {name: srv}
spec: {image: ghcr.io/example/s:1, toolConfigRef: {name: notools}}`, &v1alpha1.MCPServer{})
	for obj, want := range map[string]string{"gw": "nogroup", "srv": "notools"} {
		eventually(t, "Warning event for "+obj, func() error {
			events := &corev1.EventList{}
			if err := k8s.List(ctx, events, client.InNamespace(ns)); err != nil {
				return err
			}
			n := 0
			for _, e := range events.Items {
				if e.InvolvedObject.Name == obj && e.Type == corev1.EventTypeWarning && strings.Contains(e.Message, want) {
					n++
				}
			}
			if n != 1 {
				return errorf("%d Warning events for %s naming %q, want exactly 1", n, obj, want)
			}
			return nil
		})
	}
}

// TestPermissionProfileConfigMapReported (issue 10 item 10): a configmap profile is not
// enforced, so it is reported (condition + Warning event) instead of silently ignored.
func TestPermissionProfileConfigMapReported(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "harden-profile"
	startVMCPManager(t, ns)
	createYAML(t, ns, `
metadata: {name: prof}
spec: {image: ghcr.io/example/s:1, permissionProfile: {type: configmap, name: my-profile, key: profile.json}}`, &v1alpha1.MCPServer{})
	eventually(t, "PermissionProfileSupported False and a Warning", func() error {
		got := &v1alpha1.MCPServer{}
		if err := get(ns, "prof", got); err != nil {
			return err
		}
		c := conditions.Get(got.Status.Conditions, condPermissionProfileSupported)
		if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, "my-profile") {
			return errorf("condition %+v", c)
		}
		events := &corev1.EventList{}
		if err := k8s.List(ctx, events, client.InNamespace(ns)); err != nil {
			return err
		}
		for _, e := range events.Items {
			if e.InvolvedObject.Name == "prof" && e.Type == corev1.EventTypeWarning && strings.Contains(e.Message, "not enforced") {
				return nil
			}
		}
		return errorf("no Warning event")
	})
}

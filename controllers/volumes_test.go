package controllers

import (
	"context"
	"fmt"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// TestMCPServerVolumes: spec.volumes become hostPath volumes of the StatefulSet's pod and
// mounts of container mcp (readOnly as asked); removing one removes it from the pod.
func TestMCPServerVolumes(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	server := &v1alpha1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "host-volumes", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/mcp:1", Transport: v1alpha1.TransportStdio,
			Volumes: []v1alpha1.HostVolume{
				{Name: "data", HostPath: "/srv/data", MountPath: "/data", ReadOnly: ptr.To(true)},
				{Name: "cache", HostPath: "/var/cache/mcp", MountPath: "/cache"},
			}},
	}
	if err := k8s.Create(ctx, server); err != nil {
		t.Fatal(err)
	}
	check := func(want map[string][2]string, wantRO map[string]bool) func() error {
		return func() error {
			sts := &appsv1.StatefulSet{}
			if err := get(ns, server.Name, sts); err != nil {
				return err
			}
			pod := sts.Spec.Template.Spec
			got := map[string][2]string{}
			for _, v := range pod.Volumes {
				if v.HostPath != nil {
					got[v.Name] = [2]string{v.HostPath.Path, ""}
				}
			}
			var c *corev1.Container
			for i := range pod.Containers {
				if pod.Containers[i].Name == "mcp" {
					c = &pod.Containers[i]
				}
			}
			if c == nil {
				return fmt.Errorf("no container mcp")
			}
			ro := map[string]bool{}
			for _, m := range c.VolumeMounts {
				if e, ok := got[m.Name]; ok {
					got[m.Name], ro[m.Name] = [2]string{e[0], m.MountPath}, m.ReadOnly
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(ro) != fmt.Sprint(wantRO) {
				return fmt.Errorf("hostPath volumes %v readOnly %v, want %v %v", got, ro, want, wantRO)
			}
			return nil
		}
	}
	eventually(t, "hostPath volumes in the StatefulSet", check(
		map[string][2]string{"data": {"/srv/data", "/data"}, "cache": {"/var/cache/mcp", "/cache"}},
		map[string]bool{"data": true, "cache": false}))
	patchServer(t, ns, server.Name, func(s *v1alpha1.MCPServer) { s.Spec.Volumes = s.Spec.Volumes[1:] })
	eventually(t, "removed volume gone", check(map[string][2]string{"cache": {"/var/cache/mcp", "/cache"}}, map[string]bool{"cache": false}))
}

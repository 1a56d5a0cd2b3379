package controllers

import (
	"context"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

func TestMCPGroupMembership(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "groups"
	for _, g := range []string{"a", "b"} {
		if err := k8s.Create(ctx, &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: g, Namespace: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"s1", "s2"} {
		s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: n, Namespace: ns},
			Spec: v1alpha1.MCPServerSpec{Image: "x:1", GroupRef: &v1alpha1.GroupRef{Name: "a", LegacyString: n == "s2"}}}
		if err := k8s.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := k8s.Create(ctx, &v1alpha1.MCPRemoteProxy{ObjectMeta: metav1.ObjectMeta{Name: "p1", Namespace: ns},
		Spec: v1alpha1.MCPRemoteProxySpec{RemoteURL: "https://example.com/mcp", GroupRef: &v1alpha1.GroupRef{Name: "a"}}}); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, &v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: "e1", Namespace: ns},
		Spec: v1alpha1.MCPServerEntrySpec{RemoteURL: "https://example.com/mcp", Transport: v1alpha1.RemoteTransportSSE, GroupRef: &v1alpha1.GroupRef{Name: "a"}}}); err != nil {
		t.Fatal(err)
	}
	expect := func(group string, servers, proxies, entries []string) {
		t.Helper()
		eventually(t, "group "+group+" members", func() error {
			g := &v1alpha1.MCPGroup{}
			if err := get(ns, group, g); err != nil {
				return err
			}
			st := g.Status
			if !slices.Equal(st.Servers, servers) || int(st.ServerCount) != len(servers) ||
				!slices.Equal(st.RemoteProxies, proxies) || int(st.RemoteProxyCount) != len(proxies) ||
				!slices.Equal(st.Entries, entries) || int(st.EntryCount) != len(entries) || st.Phase != v1alpha1.PhaseReady {
				return errorf("status %+v", st)
			}
			return nil
		})
	}
	expect("a", []string{"s1", "s2"}, []string{"p1"}, []string{"e1"})
	expect("b", nil, nil, nil)

	patchServer(t, ns, "s2", func(s *v1alpha1.MCPServer) { s.Spec.GroupRef = &v1alpha1.GroupRef{Name: "b"} })
	expect("a", []string{"s1"}, []string{"p1"}, []string{"e1"})
	expect("b", []string{"s2"}, nil, nil)

	if err := k8s.Delete(ctx, &v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: "e1", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	expect("a", []string{"s1"}, []string{"p1"}, nil)
}

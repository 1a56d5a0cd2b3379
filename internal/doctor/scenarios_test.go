package doctor_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/doctor"
)

func TestHealthyVirtualMCPServer(t *testing.T) {
	f := newFixture(t)
	f.healthyVirtual()
	fs := f.run("vm")
	expectHealthy(t, fs)
	expect(t, fs, doctor.OK, "CRDs", "all")
	expect(t, fs, doctor.OK, "operator", "ready replica")
	expect(t, fs, doctor.OK, "group", "is Ready")
	expect(t, fs, doctor.OK, "backend backend health", "ready")
	expect(t, fs, doctor.OK, "endpoints", "1 ready endpoint")
}

// Each scenario breaks one thing in a healthy fixture; doctor must report it.
func TestVirtualMCPServerFindings(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		breakIt      func(f *fixture, v *v1alpha1.VirtualMCPServer)
		suffix, text string
	}{
		"missing group": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			must(t, cli.Delete(ctx, &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "g"}}))
		}, "group", "MCPGroup g does not exist"},
		"group not ready": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			g := &v1alpha1.MCPGroup{}
			must(t, cli.Get(ctx, client.ObjectKey{Namespace: f.ns, Name: "g"}, g))
			g.Status.Phase = v1alpha1.PhasePending
			f.status(g)
		}, "group", "not Ready"},
		"no backends": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			s := &v1alpha1.MCPServer{}
			must(t, cli.Get(ctx, client.ObjectKey{Namespace: f.ns, Name: "backend"}, s))
			s.Spec.GroupRef = nil
			must(t, cli.Update(ctx, s))
		}, "backends", "has no backends"},
		"backend failed": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			s := &v1alpha1.MCPServer{}
			must(t, cli.Get(ctx, client.ObjectKey{Namespace: f.ns, Name: "backend"}, s))
			s.Status.Phase, s.Status.Message = v1alpha1.PhaseFailed, "image cannot be pulled"
			f.status(s)
		}, "backend backend", "image cannot be pulled"},
		"missing auth config": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			must(t, cli.Get(ctx, client.ObjectKeyFromObject(v), v))
			v.Spec.OutgoingAuth = &v1alpha1.OutgoingAuth{Source: "discovered", Backends: map[string]v1alpha1.BackendAuth{
				"backend": {Type: v1alpha1.BackendAuthExternalAuthConfigRef, ExternalAuthConfigRef: &v1alpha1.LocalObjectReference{Name: "github-token"}}}}
			must(t, cli.Update(ctx, v))
		}, "auth", "MCPExternalAuthConfig github-token, which does not exist"},
		"missing oidc secret": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			must(t, cli.Get(ctx, client.ObjectKeyFromObject(v), v))
			v.Spec.IncomingAuth = &v1alpha1.IncomingAuth{Type: v1alpha1.IncomingAuthOIDC, OIDCConfig: &v1alpha1.OIDCConfig{Type: v1alpha1.OIDCConfigInline,
				Inline: &v1alpha1.InlineOIDCConfig{Issuer: "https://auth.example.com", ClientSecretRef: &v1alpha1.SecretKeyRef{Name: "oidc-client-secret", Key: "clientSecret"}}}}
			must(t, cli.Update(ctx, v))
		}, "auth", "Secret oidc-client-secret"},
		"stale status": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			f.setBackends(v, v1alpha1.BackendReady, time.Now().Add(-10*time.Minute))
		}, "backend backend health", "stale"},
		"unhealthy backend": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			f.setBackends(v, v1alpha1.BackendUnavailable, time.Now())
		}, "backend backend health", "is unavailable"},
		"no discovered backends": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			must(t, cli.Get(ctx, client.ObjectKeyFromObject(v), v))
			v.Status.DiscoveredBackends = nil
			f.status(v)
		}, "discoveredBackends", "is empty"},
		"no endpoints": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			must(t, cli.Delete(ctx, &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "vmcp-vm-abc"}}))
		}, "endpoints", "no ready endpoints"},
		"deployment not ready": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			d := deployment(f.ns, "vm", nil)
			must(t, cli.Get(ctx, client.ObjectKeyFromObject(d), d))
			d.Status.ReadyReplicas = 0
			f.status(d)
		}, "Deployment", "0 of 1 replicas ready"},
		"condition false": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			must(t, cli.Get(ctx, client.ObjectKeyFromObject(v), v))
			v.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionGroupRefValidated, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonNotFound, Message: "MCPGroup g not found", LastTransitionTime: metav1.Now()}}
			f.status(v)
		}, "GroupRefValidated", "MCPGroup g not found"},
		"stuck pending": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			must(t, cli.Get(ctx, client.ObjectKeyFromObject(v), v))
			v.Status.Phase, v.Status.Message = v1alpha1.PhasePending, "waiting for MCPGroup g"
			f.status(v)
		}, "phase", "phase Pending: waiting for MCPGroup g"},
		"warning event": {func(f *fixture, v *v1alpha1.VirtualMCPServer) {
			f.create(&corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "vm.1"}, Type: corev1.EventTypeWarning, Reason: "InvalidConfig", Message: "composite tool refers to a missing step",
				InvolvedObject: corev1.ObjectReference{Kind: "VirtualMCPServer", Name: "vm", Namespace: f.ns}, LastTimestamp: metav1.Now()})
		}, "events", "composite tool refers to a missing step"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			v := f.healthyVirtual()
			expectHealthy(t, f.run("vm"))
			tc.breakIt(f, v)
			fs := f.run("vm")
			if !doctor.Problems(fs) {
				t.Error("no problem reported (exit code would be 0)")
			}
			expect(t, fs, doctor.Problem, tc.suffix, tc.text)
		})
	}
}

func TestMCPServerFindings(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		breakIt      func(f *fixture, s *v1alpha1.MCPServer)
		sev          doctor.Severity
		suffix, text string
	}{
		"image pull error": {func(f *fixture, s *v1alpha1.MCPServer) {
			must(t, cli.Delete(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "fetch-0"}}))
			f.pod("fetch-1", "fetch", &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "Back-off pulling image ghcr.io/x/fetch:1"})
		}, doctor.Problem, "pods", "cannot pull its image"},
		"crash loop": {func(f *fixture, s *v1alpha1.MCPServer) {
			f.pod("fetch-1", "fetch", &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 5m"})
		}, doctor.Problem, "pods", "CrashLoopBackOff"},
		"missing tool config": {func(f *fixture, s *v1alpha1.MCPServer) {
			s.Spec.ToolConfigRef = &v1alpha1.LocalObjectReference{Name: "fetch-tools"}
			must(t, cli.Update(ctx, s))
		}, doctor.Problem, "spec.toolConfigRef", "MCPToolConfig fetch-tools, which does not exist"},
		"missing secret": {func(f *fixture, s *v1alpha1.MCPServer) {
			s.Spec.Secrets = []v1alpha1.SecretEnv{{Name: "gh-pat", Key: "GITHUB_TOKEN"}}
			must(t, cli.Update(ctx, s))
		}, doctor.Problem, "spec.secrets", "Secret gh-pat"},
		"missing group": {func(f *fixture, s *v1alpha1.MCPServer) {
			s.Spec.GroupRef = &v1alpha1.GroupRef{Name: "nope"}
			must(t, cli.Update(ctx, s))
		}, doctor.Problem, "spec.groupRef", "MCPGroup nope"},
		"no proxy endpoints": {func(f *fixture, s *v1alpha1.MCPServer) {
			must(t, cli.Delete(ctx, &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "mcp-fetch-proxy-abc"}}))
		}, doctor.Problem, "endpoints", "mcp-fetch-proxy has no ready endpoints"},
		"stdio replica cap": {func(f *fixture, s *v1alpha1.MCPServer) {
			two := int32(2)
			s.Spec.Transport, s.Spec.BackendReplicas = v1alpha1.TransportStdio, &two
			must(t, cli.Update(ctx, s))
		}, doctor.Warning, "replicas", "stdio server runs one replica"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			s := f.healthyServer("fetch", "")
			expectHealthy(t, f.run("fetch"))
			must(t, cli.Get(ctx, client.ObjectKeyFromObject(s), s))
			tc.breakIt(f, s)
			fs := f.run("fetch")
			if tc.sev == doctor.Problem && !doctor.Problems(fs) {
				t.Error("no problem reported (exit code would be 0)")
			}
			expect(t, fs, tc.sev, tc.suffix, tc.text)
		})
	}
}

func TestUnknownName(t *testing.T) {
	f := newFixture(t)
	expect(t, f.run("ghost"), doctor.Problem, "ghost", "no VirtualMCPServer or MCPServer")
}

// An MCPServerEntry backend is healthy when Valid, and reported when Failed.
func TestEntryBackend(t *testing.T) {
	f := newFixture(t)
	v := f.healthyVirtual()
	e := &v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: "remote"}, Spec: v1alpha1.MCPServerEntrySpec{
		RemoteURL: "https://mcp.example.com/mcp", Transport: v1alpha1.RemoteTransportStreamableHTTP, GroupRef: &v1alpha1.GroupRef{Name: "g"}}}
	f.create(e)
	e.Status.Phase = v1alpha1.PhaseValid
	f.status(e)
	expectHealthy(t, f.run(v.Name))
	e.Status.Phase, e.Status.Message = v1alpha1.PhaseFailed, "remoteUrl host is a link-local address"
	f.status(e)
	expect(t, f.run(v.Name), doctor.Problem, "backend remote", "link-local")
}

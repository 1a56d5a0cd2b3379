package k8s

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/gateway"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

func validEntry(name, ref string) v1alpha1.MCPServerEntry {
	e := v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		Spec: v1alpha1.MCPServerEntrySpec{RemoteURL: "http://" + name + "/mcp", Transport: v1alpha1.RemoteTransportStreamableHTTP}}
	if ref != "" {
		e.Spec.ExternalAuthConfigRef = &v1alpha1.LocalObjectReference{Name: ref}
	}
	e.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionValid, Status: metav1.ConditionTrue}}
	return e
}

func TestCompute(t *testing.T) {
	hdr := &v1alpha1.MCPExternalAuthConfig{ObjectMeta: metav1.ObjectMeta{Name: "hdr"}, Spec: v1alpha1.MCPExternalAuthConfigSpec{
		Type: v1alpha1.ExternalAuthHeaderInjection, HeaderInjection: &v1alpha1.HeaderInjectionConfig{HeaderName: "X-Key", ValueSecretRef: v1alpha1.SecretKeyRef{Name: "s", Key: "k"}}}}
	unauth := &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}
	tests := map[string]struct {
		spec        v1alpha1.VirtualMCPServerSpec
		group       members.Group
		want        []backend.Backend
		wantSkipped int
		wantInfo    map[string]backendInfo
	}{
		"group members with discovered auth": {
			spec:  v1alpha1.VirtualMCPServerSpec{GroupRef: &v1alpha1.GroupRef{Name: "g"}},
			group: members.Group{Entries: []v1alpha1.MCPServerEntry{validEntry("b", "hdr"), validEntry("a", ""), {ObjectMeta: metav1.ObjectMeta{Name: "c"}}}},
			want: []backend.Backend{
				{Name: "a", URL: "http://a/mcp", Transport: config.TransportStreamableHTTP, Auth: unauth},
				{Name: "b", URL: "http://b/mcp", Transport: config.TransportStreamableHTTP, Auth: &config.BackendAuthStrategy{Type: config.BackendAuthHeaderInjection,
					HeaderInjection: &config.HeaderInjection{HeaderName: "X-Key", HeaderValueEnv: "VMCP_AUTH_HDR_HEADER_VALUE"}}},
			},
			wantSkipped: 1,
			wantInfo:    map[string]backendInfo{"a": {authType: "unauthenticated"}, "b": {authType: "header_injection", authRef: "hdr"}},
		},
		"inline static backends": {
			spec:     v1alpha1.VirtualMCPServerSpec{Config: &config.Config{Backends: []config.StaticBackend{{Name: "s", URL: "http://s/mcp", Transport: config.TransportSSE}}}},
			want:     []backend.Backend{{Name: "s", URL: "http://s/mcp", Transport: config.TransportSSE, Auth: unauth}},
			wantInfo: map[string]backendInfo{"s": {authType: "unauthenticated"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, info, skipped, problems := Compute(tc.spec, tc.group, map[string]*v1alpha1.MCPExternalAuthConfig{"hdr": hdr}, true)
			if len(problems) > 0 {
				t.Fatalf("problems %v", problems)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("backends -want +got:\n%s", d)
			}
			if d := cmp.Diff(tc.wantInfo, info, cmp.AllowUnexported(backendInfo{})); d != "" {
				t.Errorf("info -want +got:\n%s", d)
			}
			if len(skipped) != tc.wantSkipped {
				t.Errorf("skipped %v", skipped)
			}
		})
	}
}

func TestPublishKeepsUnchangedBackends(t *testing.T) {
	s := newSource(nil, types.NamespacedName{}, zap.NewNop())
	a := backend.Backend{Name: "a", URL: "http://a/mcp", Auth: &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}}
	s.publish([]backend.Backend{a}, nil, nil, nil)
	<-s.Changed()
	first := s.Backends()[0].Auth
	// The same definition with a fresh pointer: no change signalled, the old value kept.
	again := a
	again.Auth = &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}
	s.publish([]backend.Backend{again}, nil, nil, nil)
	select {
	case <-s.Changed():
		t.Fatal("an unchanged set was signalled")
	default:
	}
	if s.Backends()[0].Auth != first {
		t.Fatal("the previous value was not reused; the gateway would reconnect")
	}
	b := backend.Backend{Name: "b", URL: "http://b/mcp"}
	s.publish([]backend.Backend{again, b}, nil, nil, nil)
	select {
	case <-s.Changed():
	default:
		t.Fatal("an added backend was not signalled")
	}
}

func TestBuildReport(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	snaps := []gateway.BackendSnapshot{
		{Name: "b", URL: "http://b/mcp", Status: health.StatusUnavailable, LastHealthCheck: now, Message: "refused", CircuitBreakerState: health.CircuitOpen, ConsecutiveFailures: 3},
		{Name: "a", URL: "http://a/mcp", Status: health.StatusReady, LastHealthCheck: now, CircuitBreakerState: health.CircuitClosed},
	}
	skipped := []members.Member{{Kind: members.KindMCPServerEntry, Name: "c", URL: "http://c", Skipped: "invalid: loopback"},
		// The list is keyed by name: a skipped duplicate of a served backend is not listed.
		{Kind: members.KindMCPServerEntry, Name: "a", URL: "http://a2", Skipped: "the name is already used by MCPServer a in the group; rename one of them"}}
	info := map[string]backendInfo{"a": {authType: "header_injection", authRef: "hdr"}}
	prev := &metav1.Condition{Status: metav1.ConditionTrue, LastTransitionTime: metav1.NewTime(now.Add(-time.Hour))}
	r := BuildReport(snaps, info, skipped, nil, prev, 4, now)
	ts := metav1.NewTime(now)
	want := []v1alpha1.DiscoveredBackend{
		{Name: "a", URL: "http://a/mcp", Status: v1alpha1.BackendReady, AuthType: "header_injection", AuthConfigRef: "hdr", LastHealthCheck: &ts, CircuitBreakerState: v1alpha1.CircuitClosed},
		{Name: "b", URL: "http://b/mcp", Status: v1alpha1.BackendUnavailable, LastHealthCheck: &ts, Message: "refused", CircuitBreakerState: v1alpha1.CircuitOpen, ConsecutiveFailures: 3},
		{Name: "c", URL: "http://c", Status: v1alpha1.BackendUnavailable, Message: "MCPServerEntry c is not used: invalid: loopback"},
	}
	if d := cmp.Diff(want, r.Backends); d != "" {
		t.Errorf("backends -want +got:\n%s", d)
	}
	if r.Condition.Status != metav1.ConditionTrue || r.Condition.Message != "2 backends discovered, 1 ready" || !r.Condition.LastTransitionTime.Equal(&prev.LastTransitionTime) || r.Condition.ObservedGeneration != 4 {
		t.Errorf("condition %+v", r.Condition)
	}
	if !r.Time.Time.Equal(now) {
		t.Errorf("heartbeat %s, want %s", r.Time, now)
	}
	empty := BuildReport(nil, nil, nil, nil, prev, 1, now)
	if empty.Condition.Status != metav1.ConditionFalse || empty.Condition.Reason != ReasonNoBackends || !empty.Condition.LastTransitionTime.Time.Equal(now) {
		t.Errorf("empty condition %+v", empty.Condition)
	}
}

// TestComputeEntryHeadersAndCABundle: an entry's headerForward and caBundleRef reach
// its backend; an entry whose CA ConfigMap is not readable is left out alone, with
// the reason among the problems.
func TestComputeEntryHeadersAndCABundle(t *testing.T) {
	withCA := func(name, cm string) v1alpha1.MCPServerEntry {
		e := validEntry(name, "")
		e.Spec.CABundleRef = &v1alpha1.CABundleRef{ConfigMapRef: v1alpha1.CABundleConfigMapRef{ConfigMapKeyRef: v1alpha1.ConfigMapKeyRef{Name: cm}}}
		e.Spec.HeaderForward = &v1alpha1.HeaderForward{AddPlaintextHeaders: map[string]string{"X-T": "v"},
			AddHeadersFromSecret: []v1alpha1.HeaderFromSecret{{HeaderName: "X-S", ValueSecretRef: v1alpha1.SecretKeyRef{Name: "s", Key: "k"}}}}
		return e
	}
	g := members.Group{Entries: []v1alpha1.MCPServerEntry{withCA("good", "ca"), withCA("bad", "gone")},
		ConfigMaps: map[string]map[string]string{"ca": {"ca.crt": "PEM"}}}
	got, _, _, problems := Compute(v1alpha1.VirtualMCPServerSpec{GroupRef: &v1alpha1.GroupRef{Name: "g"}}, g, nil, true)
	if len(got) != 1 || got[0].Name != "good" {
		t.Fatalf("backends %+v, want only good", got)
	}
	want := backend.Backend{Name: "good", URL: "http://good/mcp", Transport: config.TransportStreamableHTTP,
		Auth: &config.BackendAuthStrategy{Type: config.BackendAuthUnauthenticated}, Headers: map[string]string{"X-T": "v"},
		HeaderEnv: map[string]string{"X-S": "VMCP_HEADER_GOOD__X_S"}, CABundle: []byte("PEM")}
	if d := cmp.Diff(want, got[0]); d != "" {
		t.Errorf("-want +got:\n%s", d)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], `backend bad: caBundleRef ConfigMap "gone"`) {
		t.Errorf("problems %v", problems)
	}
}

func TestToolsConditionAndWarning(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clash := errors.New("conflicting tool names under manual conflict resolution: whoami (left, right)")
	ok := ToolsCondition(nil, nil, 2, now)
	if ok.Status != metav1.ConditionTrue || ok.Reason != v1alpha1.ReasonAggregated || ok.ObservedGeneration != 2 {
		t.Errorf("no error: %+v", ok)
	}
	bad := ToolsCondition(clash, &ok, 2, now.Add(time.Minute))
	if bad.Status != metav1.ConditionFalse || bad.Reason != v1alpha1.ReasonToolNameConflict || !strings.Contains(bad.Message, "whoami (left, right)") ||
		!bad.LastTransitionTime.Time.Equal(now.Add(time.Minute)) {
		t.Errorf("clash: %+v", bad)
	}
	again := ToolsCondition(clash, &bad, 2, now.Add(2*time.Minute))
	if !again.LastTransitionTime.Equal(&bad.LastTransitionTime) {
		t.Errorf("transition time moved without a transition: %v", again.LastTransitionTime)
	}
	for name, tc := range map[string]struct {
		prev *metav1.Condition
		c    metav1.Condition
		want bool
	}{
		"turns False":       {prev: &ok, c: bad, want: true},
		"first report":      {c: bad, want: true},
		"still False, same": {prev: &bad, c: again, want: false},
		"True":              {prev: &bad, c: ok, want: false},
	} {
		if got := newWarning(tc.prev, tc.c); got != tc.want {
			t.Errorf("%s: newWarning = %v, want %v", name, got, tc.want)
		}
	}
}

// TestComputeRemoteHealthChecks: remote workloads are not health-checked unless
// TOOLHIVE_REMOTE_HEALTHCHECKS is true; MCPServers always are.
func TestComputeRemoteHealthChecks(t *testing.T) {
	srv := v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "local", Namespace: "ns"}}
	g := members.Group{Servers: []v1alpha1.MCPServer{srv}, Entries: []v1alpha1.MCPServerEntry{validEntry("remote", "")}}
	spec := v1alpha1.VirtualMCPServerSpec{GroupRef: &v1alpha1.GroupRef{Name: "g"}}
	for _, remoteChecks := range []bool{false, true} {
		got, _, _, _ := Compute(spec, g, nil, remoteChecks)
		skip := map[string]bool{}
		for _, b := range got {
			skip[b.Name] = b.SkipHealthChecks
		}
		if want := map[string]bool{"local": false, "remote": !remoteChecks}; !cmp.Equal(want, skip) {
			t.Errorf("TOOLHIVE_REMOTE_HEALTHCHECKS=%v: SkipHealthChecks %v, want %v", remoteChecks, skip, want)
		}
	}
	t.Setenv(EnvRemoteHealthChecks, "true")
	if !remoteHealthChecksFromEnv() {
		t.Error("TOOLHIVE_REMOTE_HEALTHCHECKS=true not read")
	}
	t.Setenv(EnvRemoteHealthChecks, "yes please")
	if remoteHealthChecksFromEnv() {
		t.Error("a non-boolean value turned remote health checks on")
	}
}

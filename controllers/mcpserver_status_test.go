package controllers

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestBackendReplicas(t *testing.T) {
	tests := map[string]struct {
		spec               v1alpha1.MCPServerSpec
		wantAsked, wantEff int32
		wantCapped         bool
	}{
		"default stdio":        {spec: v1alpha1.MCPServerSpec{}, wantAsked: 1, wantEff: 1},
		"stdio capped":         {spec: v1alpha1.MCPServerSpec{BackendReplicas: ptr.To[int32](3)}, wantAsked: 3, wantEff: 1, wantCapped: true},
		"http scales":          {spec: v1alpha1.MCPServerSpec{Transport: v1alpha1.TransportStreamableHTTP, BackendReplicas: ptr.To[int32](3)}, wantAsked: 3, wantEff: 3},
		"stdio zero (stopped)": {spec: v1alpha1.MCPServerSpec{BackendReplicas: ptr.To[int32](0)}, wantAsked: 0, wantEff: 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a, e, c := backendReplicas(tc.spec)
			if a != tc.wantAsked || e != tc.wantEff || c != tc.wantCapped {
				t.Fatalf("got %d %d %v", a, e, c)
			}
		})
	}
}

func TestMCPServerReadyAndPhase(t *testing.T) {
	ready := func(n int32) *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d"}, Status: appsv1.DeploymentStatus{ReadyReplicas: n}}
	}
	sts := func(n int32) *appsv1.StatefulSet {
		return &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "s"}, Status: appsv1.StatefulSetStatus{ReadyReplicas: n}}
	}
	tests := map[string]struct {
		deploy    *appsv1.Deployment
		sts       *appsv1.StatefulSet
		extra     []conditions.Spec
		problem   string
		wantPhase v1alpha1.Phase
		wantMsg   string
	}{
		"not created":         {wantPhase: v1alpha1.PhasePending, wantMsg: "waiting"},
		"proxy not ready":     {deploy: ready(0), sts: sts(1), wantPhase: v1alpha1.PhasePending, wantMsg: "proxy Deployment d"},
		"mcp pod not ready":   {deploy: ready(1), sts: sts(0), wantPhase: v1alpha1.PhasePending, wantMsg: "s-0 is not ready"},
		"ready":               {deploy: ready(1), sts: sts(1), wantPhase: v1alpha1.PhaseReady, wantMsg: "ready"},
		"image not pullable":  {deploy: ready(0), sts: sts(0), problem: "MCP server pod s-0: container mcp (image x:1) is ErrImagePull", wantPhase: v1alpha1.PhasePending, wantMsg: "image x:1"},
		"bad template fails":  {deploy: ready(1), sts: sts(1), extra: []conditions.Spec{conditions.False(v1alpha1.ConditionPodTemplateValid, "Invalid", "spec.podTemplateSpec: x")}, wantPhase: v1alpha1.PhaseFailed, wantMsg: "podTemplateSpec"},
		"missing tool config": {extra: []conditions.Spec{conditions.False(condToolConfigValidated, "NotFound", "MCPToolConfig \"t\" not found")}, wantPhase: v1alpha1.PhaseFailed, wantMsg: "not found"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := &v1alpha1.MCPServer{}
			setMCPServerReadyCondition(&s.Status.Conditions, tc.deploy, tc.sts, tc.problem, 1)
			for _, c := range tc.extra {
				conditions.Set(&s.Status.Conditions, c, 1)
			}
			setMCPServerPhase(s)
			if s.Status.Phase != tc.wantPhase || !strings.Contains(s.Status.Message, tc.wantMsg) {
				t.Fatalf("phase %s message %q", s.Status.Phase, s.Status.Message)
			}
		})
	}
}

func TestBuildMCPServerValues(t *testing.T) {
	opts := &Options{ProxyRunnerImage: "pr:1"}
	tests := map[string]struct {
		spec  v1alpha1.MCPServerSpec
		check func(t *testing.T, v helmcharts.MCPServerValues)
	}{
		"stdio attaches to its pod": {spec: v1alpha1.MCPServerSpec{Image: "i"}, check: func(t *testing.T, v helmcharts.MCPServerValues) {
			if !strings.Contains(v.RunConfig, "pod: s-0") || v.ServiceAccount != "s-sa" || !v.CreateServiceAccount || v.SessionAffinity != "ClientIP" {
				t.Fatalf("%+v", v)
			}
		}},
		"http targets the headless service": {spec: v1alpha1.MCPServerSpec{Image: "i", Transport: v1alpha1.TransportSSE, MCPPort: ptr.To[int32](9000)}, check: func(t *testing.T, v helmcharts.MCPServerValues) {
			if !strings.Contains(v.RunConfig, "target: http://mcp-s-headless.ns.svc.cluster.local:9000/sse") {
				t.Fatalf("%s", v.RunConfig)
			}
		}},
		"permission none denies egress, own SA kept": {spec: v1alpha1.MCPServerSpec{Image: "i", ServiceAccount: "mine",
			PermissionProfile: &v1alpha1.PermissionProfile{Type: v1alpha1.PermissionProfileBuiltin, Name: v1alpha1.PermissionProfileNone}}, check: func(t *testing.T, v helmcharts.MCPServerValues) {
			if !v.DenyEgress || v.ServiceAccount != "mine" || v.CreateServiceAccount {
				t.Fatalf("%+v", v)
			}
		}},
		"rateLimiting, proxyReadTimeout and endpointPrefix reach the runconfig": {spec: v1alpha1.MCPServerSpec{Image: "i", Transport: v1alpha1.TransportSSE,
			ProxyReadTimeout: "5s", EndpointPrefix: "/team-a",
			RateLimiting: &config.RateLimiting{PerUser: &config.RateLimitingPerUser{MaxTokens: 3, RefillPeriod: "1m"}}}, check: func(t *testing.T, v helmcharts.MCPServerValues) {
			var rc runconfig.Config
			if err := yaml.Unmarshal([]byte(v.RunConfig), &rc); err != nil {
				t.Fatal(err)
			}
			if rc.RateLimiting == nil || rc.RateLimiting.PerUser == nil || rc.RateLimiting.PerUser.MaxTokens != 3 ||
				rc.ProxyReadTimeout != "5s" || rc.EndpointPrefix != "/team-a" {
				t.Fatalf("%s", v.RunConfig)
			}
		}},
		"stdio keeps proxyReadTimeout": {spec: v1alpha1.MCPServerSpec{Image: "i", ProxyReadTimeout: "2s"}, check: func(t *testing.T, v helmcharts.MCPServerValues) {
			if !strings.Contains(v.RunConfig, "proxyReadTimeout: 2s") {
				t.Fatalf("%s", v.RunConfig)
			}
		}},
		"secrets become secretKeyRefs": {spec: v1alpha1.MCPServerSpec{Image: "i", Secrets: []v1alpha1.SecretEnv{{Name: "s", Key: "k"}}}, check: func(t *testing.T, v helmcharts.MCPServerValues) {
			if len(v.Env) != 1 || v.Env[0].Name != "k" || v.Env[0].ValueFrom.SecretKeyRef.Name != "s" {
				t.Fatalf("%+v", v.Env)
			}
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns"}, Spec: tc.spec}
			spec, _ := s.Normalize()
			v, err := buildMCPServerValues(s, spec, nil, nil, resolvedAuth{}, opts)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, v)
		})
	}
	// A restart request changes both pod template hashes.
	s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns"}, Spec: v1alpha1.MCPServerSpec{Image: "i"}}
	a, _ := buildMCPServerValues(s, s.Spec, nil, nil, resolvedAuth{}, opts)
	s.Annotations = map[string]string{RestartedAtAnnotation: "now"}
	b, _ := buildMCPServerValues(s, s.Spec, nil, nil, resolvedAuth{}, opts)
	if a.ProxyConfigHash == b.ProxyConfigHash || a.BackendConfigHash == b.BackendConfigHash {
		t.Fatal("restart annotation did not change the pod template hashes")
	}
}

func TestEntryFailureEvent(t *testing.T) {
	failed := func(msg string) v1alpha1.MCPServerEntryStatus {
		return v1alpha1.MCPServerEntryStatus{Phase: v1alpha1.PhaseFailed, Message: msg}
	}
	tests := map[string]struct {
		before, after v1alpha1.MCPServerEntryStatus
		want          string
	}{
		"newly failed":       {before: v1alpha1.MCPServerEntryStatus{Phase: v1alpha1.PhasePending}, after: failed("fix x"), want: "fix x"},
		"valid to failed":    {before: v1alpha1.MCPServerEntryStatus{Phase: v1alpha1.PhaseValid}, after: failed("fix x"), want: "fix x"},
		"same failure again": {before: failed("fix x"), after: failed("fix x"), want: ""},
		"failure changed":    {before: failed("fix x"), after: failed("fix y"), want: "fix y"},
		"recovered":          {before: failed("fix x"), after: v1alpha1.MCPServerEntryStatus{Phase: v1alpha1.PhaseValid}, want: ""},
		"valid stays valid":  {before: v1alpha1.MCPServerEntryStatus{Phase: v1alpha1.PhaseValid}, after: v1alpha1.MCPServerEntryStatus{Phase: v1alpha1.PhaseValid}, want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := entryFailureEvent(tc.before, tc.after); got != tc.want {
				t.Fatalf("entryFailureEvent = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPodStartProblem(t *testing.T) {
	waiting := func(reason string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "s-0"}, Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{{
			Name: "mcp", Image: "ghost:1", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: "pull failed"}}}}}}
	}
	tests := map[string]struct {
		pod  *corev1.Pod
		want string
	}{
		"pull error":     {pod: waiting("ErrImagePull"), want: "container mcp (image ghost:1) is ErrImagePull: pull failed"},
		"back-off":       {pod: waiting("ImagePullBackOff"), want: "ImagePullBackOff"},
		"crash loop":     {pod: waiting("CrashLoopBackOff"), want: "CrashLoopBackOff"},
		"still creating": {pod: waiting("ContainerCreating"), want: ""},
		"running":        {pod: &corev1.Pod{}, want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := podStartProblem(tc.pod)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("podStartProblem = %q, want %q", got, tc.want)
			}
		})
	}
}

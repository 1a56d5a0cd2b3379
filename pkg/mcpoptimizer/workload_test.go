package mcpoptimizer

import (
	"os"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

func TestFromMCPServer(t *testing.T) {
	for name, tc := range map[string]struct {
		labels   map[string]string
		groupRef *v1alpha1.GroupRef
		phase    v1alpha1.Phase
		proxy    v1alpha1.ProxyMode
		url      string
		group    string
		running  bool
		endpoint string
		sse      bool
	}{
		"groupRef wins over the label": {labels: map[string]string{GroupLabel: "l"}, groupRef: &v1alpha1.GroupRef{Name: "g"}, phase: v1alpha1.PhaseReady,
			url: "http://mcp-x-proxy.ns.svc.cluster.local:8080", group: "g", running: true, endpoint: "http://mcp-x-proxy.ns.svc.cluster.local:8080/mcp"},
		"label":                  {labels: map[string]string{GroupLabel: "l"}, phase: "Running", url: "http://h:1/mcp", group: "l", running: true, endpoint: "http://h:1/mcp"},
		"default group, stopped": {phase: v1alpha1.PhasePending, url: "http://h:1", group: DefaultGroup, endpoint: "http://h:1/mcp"},
		"sse proxy mode":         {phase: v1alpha1.PhaseReady, proxy: v1alpha1.ProxyModeSSE, url: "http://h:1", group: DefaultGroup, running: true, endpoint: "http://h:1/sse", sse: true},
		"sse path kept as given": {phase: v1alpha1.PhaseReady, url: "http://h:1/sse", group: DefaultGroup, running: true, endpoint: "http://h:1/sse", sse: true},
		"failed is not running":  {phase: v1alpha1.PhaseFailed, url: "http://h:1", group: DefaultGroup, endpoint: "http://h:1/mcp"},
	} {
		t.Run(name, func(t *testing.T) {
			s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "ns", Labels: tc.labels},
				Spec:   v1alpha1.MCPServerSpec{Image: "img", GroupRef: tc.groupRef, ProxyMode: tc.proxy},
				Status: v1alpha1.MCPServerStatus{Phase: tc.phase, URL: tc.url, Tools: []string{"a"}, Message: "m"}}
			w := FromMCPServer(s)
			if w.Group != tc.group || w.Running != tc.running || w.Package != "img" || w.StatusContext != "m" || len(w.Tools) != 1 {
				t.Errorf("workload %+v", w)
			}
			if ep, sse := w.Endpoint(); ep != tc.endpoint || sse != tc.sse {
				t.Errorf("endpoint %s sse=%v, want %s %v", ep, sse, tc.endpoint, tc.sse)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	ws := []Workload{{Name: "a", Group: "dev", Running: true, URL: "u"}, {Name: "b", Group: "prod", Running: true, URL: "u"},
		{Name: "c", Group: "dev", URL: "u"}, {Name: "d", Group: "dev", Running: true}}
	if got := Select(ws, []string{"dev"}); len(got) != 1 || got[0].Name != "a" {
		t.Errorf("dev: %+v", got)
	}
	if got := Select(ws, nil); len(got) != 2 {
		t.Errorf("all groups: %+v", got)
	}
}

func TestParseEnv(t *testing.T) {
	for name, tc := range map[string]struct {
		env     map[string]string
		wantErr bool
		check   func(Env) bool
	}{
		"runtime mode required": {env: map[string]string{}, wantErr: true},
		"defaults":              {env: map[string]string{"RUNTIME_MODE": "k8s"}, check: func(e Env) bool { return e.AllNamespaces && e.Port == 9900 && len(e.AllowedGroups) == 0 }},
		"namespace implies one": {env: map[string]string{"RUNTIME_MODE": "k8s", "K8S_NAMESPACE": "ts"}, check: func(e Env) bool { return !e.AllNamespaces && e.Namespace == "ts" }},
		"groups trimmed":        {env: map[string]string{"RUNTIME_MODE": "k8s", "ALLOWED_GROUPS": "dev, prod,,"}, check: func(e Env) bool { return len(e.AllowedGroups) == 2 && e.AllowedGroups[1] == "prod" }},
		"bad bool":              {env: map[string]string{"RUNTIME_MODE": "k8s", "K8S_ALL_NAMESPACES": "maybe"}, wantErr: true},
		"bad port":              {env: map[string]string{"RUNTIME_MODE": "k8s", "MCP_PORT": "0"}, wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			e, err := ParseEnv(mapEnv(tc.env))
			if (err != nil) != tc.wantErr || (err == nil && !tc.check(e)) {
				t.Errorf("env %+v err %v", e, err)
			}
		})
	}
}

func TestRestConfigOrder(t *testing.T) {
	t.Setenv("HOME", t.TempDir()) // no ~/.kube/config
	get := mapEnv(map[string]string{"KUBECONFIG": "/nonexistent"})
	cfg, how, err := RestConfig(Env{}, get)
	if err != nil || cfg.Host != KubectlProxyURL {
		t.Errorf("fallback: %v %s %v", cfg, how, err)
	}
	cfg, _, err = RestConfig(Env{APIServerURL: "https://api:6443"}, get)
	if err != nil || cfg.Host != "https://api:6443" {
		t.Errorf("explicit: %v %v", cfg, err)
	}
	dir := t.TempDir()
	serviceAccountDir = dir
	t.Cleanup(func() { serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount" })
	if err := writeFile(dir+"/token", "tok"); err != nil {
		t.Fatal(err)
	}
	cfg, how, err = RestConfig(Env{}, mapEnv(map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT_HTTPS": "443", "KUBECONFIG": "/nonexistent"}))
	if err != nil || cfg.Host != "https://10.0.0.1:443" || cfg.BearerToken != "tok" || cfg.TLSClientConfig.CAFile != dir+"/ca.crt" {
		t.Errorf("in cluster: %+v %s %v", cfg, how, err)
	}
}

func writeFile(p, s string) error { return os.WriteFile(p, []byte(s), 0o600) }

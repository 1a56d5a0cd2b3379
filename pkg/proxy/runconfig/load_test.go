package runconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Setenv("POD_NAMESPACE", "")
	tests := map[string]struct {
		yaml    string
		want    *Config
		wantErr []string
	}{
		"stdio attach defaults": {
			yaml: "name: fetch\nnamespace: team-a\n",
			want: &Config{Name: "fetch", Namespace: "team-a", Transport: "stdio", ProxyMode: "streamable-http",
				Host: "0.0.0.0", ProxyPort: 8080, Stdio: &Stdio{Pod: "fetch-0", Container: "mcp"}},
		},
		"report tools": {
			yaml: "name: fetch\nnamespace: team-a\nreportTools: true\n",
			want: &Config{Name: "fetch", Namespace: "team-a", Transport: "stdio", ProxyMode: "streamable-http",
				Host: "0.0.0.0", ProxyPort: 8080, Stdio: &Stdio{Pod: "fetch-0", Container: "mcp"}, ReportTools: true},
		},
		"remote with headers": {
			yaml: "name: r\ntransport: sse\nproxyPort: 9000\ntarget: https://mcp.example.com/sse\nheaderForward:\n  plaintext: {X-Tenant: acme}\n  fromEnv: {X-Api-Key: API_KEY}\n",
			want: &Config{Name: "r", Transport: "sse", ProxyMode: "streamable-http", Host: "0.0.0.0", ProxyPort: 9000,
				Target: "https://mcp.example.com/sse", HeaderForward: &HeaderForward{
					Plaintext: map[string]string{"X-Tenant": "acme"}, FromEnv: map[string]string{"X-Api-Key": "API_KEY"}}},
		},
		"unknown field": {yaml: "name: x\nnamespace: ns\nproxyport: 80\n", wantErr: []string{`unknown field "proxyport"`}},
		"every problem listed": {
			yaml:    "name: x\ntransport: grpc\nproxyMode: ws\nproxyPort: 70000\nheaderForward: {plaintext: {'bad header': v}}\n",
			wantErr: []string{`transport "grpc"`, `proxyMode "ws"`, "proxyPort 70000", `"bad header" is not a valid header name`, "target"},
		},
		"http needs target":      {yaml: "name: x\ntransport: streamable-http\n", wantErr: []string{"absolute http(s) URL"}},
		"stdio with target":      {yaml: "name: x\nnamespace: ns\ntarget: http://a/mcp\n", wantErr: []string{"target: not used with transport stdio"}},
		"attach needs namespace": {yaml: "name: x\n", wantErr: []string{"namespace: required"}},
		"command and pod":        {yaml: "name: x\nnamespace: ns\nstdio: {command: node, pod: x-0}\n", wantErr: []string{"either command or pod"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse([]byte(tc.yaml))
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("accepted %q", tc.yaml)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("config (-want +got):\n%s", d)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "runconfig.yaml")
	if err := os.WriteFile(p, []byte("name: m\ntransport: stdio\nstdio: {command: node, args: [server.js]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Stdio.Command != "node" || c.Stdio.Pod != "" || c.ProxyPort != DefaultProxyPort {
		t.Fatalf("loaded %+v", c.Stdio)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "reading config") {
		t.Fatalf("missing file error %v", err)
	}
}

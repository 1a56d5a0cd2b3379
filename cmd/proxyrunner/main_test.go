package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
)

func TestBuildConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "runconfig.yaml")
	if err := os.WriteFile(file, []byte("name: fetch\nnamespace: team-a\ntransport: stdio\nproxyMode: sse\nproxyPort: 8080\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args    []string
		want    *runconfig.Config
		wantErr string
	}{
		"local subprocess": {
			args: []string{"--proxy-mode", "streamable-http", "--port", "9090", "--", "node", "server.js", "--flag"},
			want: &runconfig.Config{Transport: "stdio", ProxyMode: "streamable-http", Host: "127.0.0.1", ProxyPort: 9090,
				Stdio: &runconfig.Stdio{Command: "node", Args: []string{"server.js", "--flag"}}},
		},
		"config file as rendered": {
			args: []string{"--config", file},
			want: &runconfig.Config{Name: "fetch", Namespace: "team-a", Transport: "stdio", ProxyMode: "sse", Host: "0.0.0.0",
				ProxyPort: 8080, Stdio: &runconfig.Stdio{Pod: "fetch-0", Container: "mcp"}},
		},
		"flags override the file": {
			args: []string{"--config", file, "--port", "7000", "--proxy-mode", "streamable-http"},
			want: &runconfig.Config{Name: "fetch", Namespace: "team-a", Transport: "stdio", ProxyMode: "streamable-http", Host: "0.0.0.0",
				ProxyPort: 7000, Stdio: &runconfig.Stdio{Pod: "fetch-0", Container: "mcp"}},
		},
		"report tools flag": {
			args: []string{"--config", file, "--report-tools"},
			want: &runconfig.Config{Name: "fetch", Namespace: "team-a", Transport: "stdio", ProxyMode: "sse", Host: "0.0.0.0",
				ProxyPort: 8080, Stdio: &runconfig.Stdio{Pod: "fetch-0", Container: "mcp"}, ReportTools: true},
		},
		"remote with headers": {
			args: []string{"--transport", "streamable-http", "--target", "https://r.example.com/mcp", "--header", "X-T=a", "--header-env", "X-Key=KEY"},
			want: &runconfig.Config{Transport: "streamable-http", ProxyMode: "streamable-http", Host: "127.0.0.1", ProxyPort: 8080,
				Target: "https://r.example.com/mcp", HeaderForward: &runconfig.HeaderForward{
					Plaintext: map[string]string{"X-T": "a"}, FromEnv: map[string]string{"X-Key": "KEY"}}},
		},
		"bad header flag": {args: []string{"--transport", "sse", "--target", "http://a/sse", "--header", "novalue"}, wantErr: "want Name=Value"},
		"nothing to run":  {args: []string{}, wantErr: "stdio: set stdio.command"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := parseFlags(tc.args, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := buildConfig(f)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
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

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out bytes.Buffer
		if err := run(args, &out); err != nil || !strings.HasPrefix(out.String(), "proxyrunner ") {
			t.Fatalf("run(%v) = %q, %v", args, out.String(), err)
		}
	}
}

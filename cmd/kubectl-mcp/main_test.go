package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConvertCommand checks the command's contract: manifests on stdout, the report
// on stderr, exit codes, -o DIR and several -f merged.
func TestConvertCommand(t *testing.T) {
	mig := filepath.Join("..", "..", "examples", "migration")
	lossy := filepath.Join(t.TempDir(), "lossy.json")
	if err := os.WriteFile(lossy, []byte(`{"image":"a/b:1","base_name":"b","transport":"stdio","debug":true,"session_ttl":"1h"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args           []string
		code           int
		stdout, stderr string
		notStdout      string
	}{
		"one file":          {[]string{"convert", "-f", filepath.Join(mig, "weather.json")}, 0, "kind: MCPServer", "# info:", "# info"},
		"merged with group": {[]string{"convert", "-f", filepath.Join(mig, "backend1.json"), "-f", filepath.Join(mig, "backend2.json"), "--with-group"}, 0, "name: backend2", "", ""},
		"strict refuses":    {[]string{"convert", "--strict", "-f", lossy}, 1, "", "--strict: 2 field(s)", ""},
		"missing file":      {[]string{"convert", "-f", "nope.json"}, 1, "", "nope.json", ""},
		"no -f":             {[]string{"convert"}, 2, "", "-f FILE is required", ""},
		"unknown command":   {[]string{"frobnicate"}, 2, "", "unknown command", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
			}
			if tc.notStdout != "" && strings.Contains(out.String(), tc.notStdout) {
				t.Errorf("stdout contains %q", tc.notStdout)
			}
		})
	}
	if n := strings.Count(func() string {
		var out, errb bytes.Buffer
		run([]string{"convert", "-f", filepath.Join(mig, "backend1.json"), "-f", filepath.Join(mig, "backend2.json"), "--with-group"}, &out, &errb)
		return out.String()
	}(), "kind: MCPGroup"); n != 1 {
		t.Errorf("MCPGroup written %d times, want once", n)
	}
}

func TestConvertToDir(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"convert", "-f", filepath.Join("..", "..", "examples", "migration", "vmcp-config.yaml"), "-o", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, f := range []string{"mcpgroup-team.yaml", "mcpserverentry-docs.yaml", "mcpserverentry-tickets.yaml", "virtualmcpserver-team-vmcp.yaml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !strings.Contains(string(b), "apiVersion: toolhive.stacklok.dev/v1beta1") {
			t.Errorf("%s: %v %s", f, err, b)
		}
	}
}

func TestReorder(t *testing.T) {
	got := strings.Join(reorder([]string{"vm", "-n", "prod", "--timeout=5s"}), " ")
	if got != "-n prod --timeout=5s vm" {
		t.Errorf("reorder = %q", got)
	}
}

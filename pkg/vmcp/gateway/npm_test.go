package gateway

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// npmBackends starts server-everything over Streamable HTTP and SSE and returns
// them with server-memory and server-filesystem as stdio backends.
func npmBackends(t *testing.T) ([]config.StaticBackend, string) {
	if testing.Short() {
		t.Skip("starts real MCP servers from npm")
	}
	httpEv := mcpnpm.StartEverything(t, "streamableHttp")
	sseEv := mcpnpm.StartEverything(t, "sse")
	dir := t.TempDir()
	memCmd, memArgs := mcpnpm.StdioCommand(t, mcpnpm.Memory)
	fsCmd, fsArgs := mcpnpm.StdioCommand(t, mcpnpm.Filesystem, dir)
	return []config.StaticBackend{
		{Name: "http", URL: httpEv.URL, Transport: config.TransportStreamableHTTP},
		{Name: "sse", URL: sseEv.URL, Transport: config.TransportSSE},
		{Name: "memory", Transport: config.TransportStdio, Command: memCmd, Args: memArgs,
			Env: map[string]string{"MEMORY_FILE_PATH": filepath.Join(dir, "memory.jsonl")}},
		{Name: "fs", Transport: config.TransportStdio, Command: fsCmd, Args: fsArgs},
	}, dir
}

// TestNPMBackendsThroughGateway lists and calls tools of four real npm servers
// over three transports through vmcp with the prefix strategy.
func TestNPMBackendsThroughGateway(t *testing.T) {
	backends, dir := npmBackends(t)
	url, g := startGateway(t, &config.Config{Name: "npm", Backends: backends})
	for _, s := range g.Snapshots() {
		if s.Status != "ready" {
			t.Fatalf("backend %s is %s after discovery: %s", s.Name, s.Status, s.Message)
		}
	}
	for _, version := range []string{"2025-11-25", "2025-06-18", "2026-07-28"} {
		t.Run(version, func(t *testing.T) {
			cs := connect(t, url, version, nil)
			names := toolNames(t, cs)
			for _, want := range []string{"http_echo", "http_get-sum", "sse_echo", "sse_get-sum",
				"memory_create_entities", "memory_read_graph", "fs_list_directory", "fs_read_text_file"} {
				if !slices.Contains(names, want) {
					t.Errorf("tool %s missing from %v", want, names)
				}
			}
			for _, n := range names {
				if !strings.HasPrefix(n, "http_") && !strings.HasPrefix(n, "sse_") && !strings.HasPrefix(n, "memory_") && !strings.HasPrefix(n, "fs_") {
					t.Errorf("tool %s has no workload prefix", n)
				}
			}
			if text, _ := callText(t, cs, "http_echo", map[string]any{"message": "hello " + version}); text != "Echo: hello "+version {
				t.Errorf("http_echo: %q", text)
			}
			if text, _ := callText(t, cs, "sse_get-sum", map[string]any{"a": 2, "b": 40}); !strings.Contains(text, "42") {
				t.Errorf("sse_get-sum: %q", text)
			}
			entity := "entity-" + strings.ReplaceAll(version, "-", "")
			callText(t, cs, "memory_create_entities", map[string]any{"entities": []any{
				map[string]any{"name": entity, "entityType": "test", "observations": []any{"seen"}}}})
			if text, _ := callText(t, cs, "memory_read_graph", map[string]any{}); !strings.Contains(text, entity) {
				t.Errorf("memory_read_graph lacks %s: %q", entity, text)
			}
			if err := os.WriteFile(filepath.Join(dir, "note-"+version+".txt"), []byte("content "+version), 0o600); err != nil {
				t.Fatal(err)
			}
			if text, _ := callText(t, cs, "fs_read_text_file", map[string]any{"path": filepath.Join(dir, "note-"+version+".txt")}); !strings.Contains(text, "content "+version) {
				t.Errorf("fs_read_text_file: %q", text)
			}
		})
	}
}

package gateway

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/mcp-operator/mcp-operator/internal/testutil/mcpnpm"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestOptimizerSentenceEncoderFindsParaphrase runs vmcp in optimizer mode
// over two real npm servers twice: keyword only, and with a real neural
// sentence encoder (Universal Sentence Encoder Lite, hack/use-embedder over
// HTTP) as the semantic arm. Tasks that share no word with their tool are
// missed by the keyword arm and found with the encoder; both sides are
// checked, so the test fails if either arm changes.
func TestOptimizerSentenceEncoderFindsParaphrase(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real MCP servers and the sentence encoder from npm")
	}
	enc := mcpnpm.StartSentenceEncoder(t)
	dir := t.TempDir()
	memCmd, memArgs := mcpnpm.StdioCommand(t, mcpnpm.Memory)
	fsCmd, fsArgs := mcpnpm.StdioCommand(t, mcpnpm.Filesystem, dir)
	backends := func() []config.StaticBackend {
		return []config.StaticBackend{
			{Name: "memory", Transport: config.TransportStdio, Command: memCmd, Args: memArgs,
				Env: map[string]string{"MEMORY_FILE_PATH": filepath.Join(dir, "memory.jsonl")}},
			{Name: "fs", Transport: config.TransportStdio, Command: fsCmd, Args: fsArgs},
		}
	}
	max := int32(5)
	kwURL, _ := startGateway(t, &config.Config{Name: "kw", Backends: backends(),
		Optimizer: &config.Optimizer{MaxToolsToReturn: &max}})
	// Ratio 0.3, the dev part's choice in bench/optimizer for this encoder,
	// without its distance threshold (0.5), so the encoder can bring tools the
	// keyword arm does not match at all.
	semURL, g := startGateway(t, &config.Config{Name: "sem", Backends: backends(),
		Optimizer: &config.Optimizer{MaxToolsToReturn: &max, EmbeddingService: enc.URL,
			EmbeddingProvider: config.EmbeddingProviderTEI, HybridSearchSemanticRatio: "0.3", EmbeddingServiceTimeout: "60s"}})
	kw := connect(t, kwURL, "2025-11-25", nil)
	sem := connect(t, semURL, "2025-11-25", nil)

	for task, want := range map[string]string{
		"which places on disk may you touch": "fs_list_allowed_directories",
	} {
		kwNames, _ := findTools(t, kw, task)
		if slices.Contains(kwNames, want) {
			t.Errorf("keyword arm alone finds %s for %q (%v): the task no longer shows the semantic arm", want, task, kwNames)
		}
		semNames, _ := findTools(t, sem, task)
		if !slices.Contains(semNames, want) {
			t.Errorf("with the sentence encoder, find_tool %q = %v, want %s among them", task, semNames, want)
		}
		t.Logf("%q: keyword %v, with the encoder %v", task, kwNames, semNames)
	}
	mfs, err := g.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "vmcp_optimizer_semantic_available" && mf.GetMetric()[0].GetGauge().GetValue() != 1 {
			t.Errorf("vmcp_optimizer_semantic_available is %v with the encoder up", mf.GetMetric()[0].GetGauge().GetValue())
		}
	}
}

package main

import (
	"context"

	"github.com/mcp-operator/mcp-operator/pkg/embedder"
	"github.com/mcp-operator/mcp-operator/pkg/optimizer"
	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

func optimizerOptions() optimizer.Options { return optimizer.Options{} }

// nameAndDescription is the baseline: BM25 over the name and the description
// (a tiny weight elsewhere, since all-zero weights mean the defaults).
var nameAndDescription = optimizer.FieldWeights{Name: 1, Description: 1, Lead: 1e-9, Server: 1e-9, ParamName: 1e-9, ParamDescription: 1e-9}

// metaToolTokens is the size of optimizer mode's tools/list.
func metaToolTokens() int {
	return vmcpoptimizer.EstimateTokens(vmcpoptimizer.Tools())
}

// buildIndex indexes every server and returns the index and its tool count.
func buildIndex(ctx context.Context, servers map[string][]optimizer.Tool, opts optimizer.Options) (*optimizer.Index, int) {
	ix := optimizer.New(opts)
	total := 0
	for _, tools := range servers {
		total += len(tools)
	}
	_ = ix.SetServers(ctx, servers)
	return ix, total
}

// localEmbedder is pkg/embedder's embedding called in process (the same
// function cmd/embedder serves), so the hybrid run measures ranking, not HTTP.
type localEmbedder struct{}

func (localEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = embedder.Embed(t, embedder.Dimensions)
	}
	return out, nil
}

// modelEmbedder calls a pkg/embedder model in process.
type modelEmbedder struct{ m embedder.Model }

func (e modelEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.m.Embed(t)
	}
	return out, nil
}

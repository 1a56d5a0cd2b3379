package main

import (
	"context"
	"sort"

	"github.com/mcp-operator/mcp-operator/pkg/optimizer"
)

func optimizerOptions() optimizer.Options { return optimizer.Options{} }

// buildIndex indexes every server and returns the index and its tool count.
func buildIndex(ctx context.Context, servers map[string][]optimizer.Tool, opts optimizer.Options) (*optimizer.Index, int) {
	ix := optimizer.New(opts)
	names := make([]string, 0, len(servers))
	for s := range servers {
		names = append(names, s)
	}
	sort.Strings(names)
	total := 0
	for _, s := range names {
		_ = ix.SetServer(ctx, s, servers[s])
		total += len(servers[s])
	}
	return ix, total
}

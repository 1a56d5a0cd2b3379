package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/optimizer"
	"github.com/mcp-operator/mcp-operator/pkg/optimizer/embedding"
)

// startEmbedder builds and runs the embedder binary on a free loopback port,
// with extra flags.
func startEmbedder(t *testing.T, extra ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "embedder")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	args := append([]string{"--hostname", "127.0.0.1", "--port", fmt.Sprint(port), "--model-id", "BAAI/bge-small-en-v1.5"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("embedder did not become healthy: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEmbedderOverHTTP runs the binary and uses it through both client APIs
// and as the optimizer's semantic arm.
func TestEmbedderOverHTTP(t *testing.T) {
	url := startEmbedder(t)
	ctx := context.Background()
	for _, p := range []embedding.Provider{embedding.TEI, embedding.OpenAI} {
		c := &embedding.Client{URL: url, Provider: p, Model: "m", Timeout: 5 * time.Second}
		vecs, err := c.Embed(ctx, []string{"take a screenshot of the page", "capture a screen shot", "merge the pull request"})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(vecs) != 3 || len(vecs[0]) != 384 {
			t.Fatalf("%s: %d vectors of %d", p, len(vecs), len(vecs[0]))
		}
		near, far := cos(vecs[0], vecs[1]), cos(vecs[0], vecs[2])
		if near <= far {
			t.Errorf("%s: screenshot~screen shot %.3f not above screenshot~merge %.3f", p, near, far)
		}
	}
	// Unknown provider and a refused request are errors, not silent empties.
	if _, err := (&embedding.Client{URL: url, Provider: "nope"}).Embed(ctx, []string{"x"}); err == nil {
		t.Error("unknown provider accepted")
	}
	resp, err := http.Post(url+"/embed", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty body: %s", resp.Status)
	}

	// As the semantic arm: a misspelt task word still finds the tool.
	ix := optimizer.New(optimizer.Options{Embedder: &embedding.Client{URL: url}, SemanticRatio: 0.5})
	if err := ix.SetServer(ctx, "browser", []optimizer.Tool{
		{Name: "browser_take_screenshot", Description: "Take a screenshot of the current page"},
		{Name: "browser_navigate", Description: "Navigate to a URL"},
	}); err != nil {
		t.Fatal(err)
	}
	res := ix.Search(ctx, optimizer.Query{Description: "screenshoot the page"})
	if !res.Semantic || len(res.Hits) == 0 || res.Hits[0].Name != "browser_take_screenshot" {
		t.Errorf("hybrid search: %+v", res)
	}
	if ix.MissingVectors() != 0 {
		t.Errorf("%d tools not embedded", ix.MissingVectors())
	}
}

// TestWordVectorsOverHTTP serves the GloVe vectors hack/install-tools.sh
// converts and uses them as the semantic arm: a task with none of the tool's
// words finds it by meaning alone.
func TestWordVectorsOverHTTP(t *testing.T) {
	vectors, err := filepath.Abs("../../bin/wordvectors.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(vectors); err != nil {
		t.Fatalf("%v: run hack/install-tools.sh wordvectors", err)
	}
	url := startEmbedder(t, "--vectors", vectors)
	ctx := context.Background()
	resp, err := http.Get(url + "/info")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		ModelType  string `json:"model_type"`
		Dimensions int    `json:"dimensions"`
	}
	err = json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if err != nil || info.ModelType != "word-vectors-sif" || info.Dimensions != 100 {
		t.Fatalf("/info: %+v %v", info, err)
	}
	c := &embedding.Client{URL: url, Timeout: 5 * time.Second}
	ix := optimizer.New(optimizer.Options{Embedder: c, SemanticRatio: 1})
	if err := ix.SetServer(ctx, "fs", []optimizer.Tool{
		{Name: "delete_file", Description: "Delete a file from disk"},
		{Name: "create_directory", Description: "Create a new directory"},
		{Name: "get_weather", Description: "Current weather forecast for a city"},
	}); err != nil {
		t.Fatal(err)
	}
	for task, want := range map[string]string{
		"erase a document":               "delete_file",
		"will it rain in Paris tomorrow": "get_weather",
	} {
		res := ix.Search(ctx, optimizer.Query{Description: task})
		if !res.Semantic || len(res.Hits) == 0 || res.Hits[0].Name != want {
			t.Errorf("%q: %+v, want %s first", task, res, want)
		}
	}
}

// TestClientRetriesAndFallsBack: a stopped service fails after the retries,
// and the index still answers by keyword.
func TestClientRetriesAndFallsBack(t *testing.T) {
	ctx := context.Background()
	c := &embedding.Client{URL: "http://127.0.0.1:1", Timeout: time.Second, Retries: 1}
	start := time.Now()
	if _, err := c.Embed(ctx, []string{"x"}); err == nil {
		t.Fatal("no error from a closed port")
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Errorf("no pause between attempts (%v)", time.Since(start))
	}
	ix := optimizer.New(optimizer.Options{Embedder: c, SemanticRatio: 0.5})
	if err := ix.SetServer(ctx, "git", []optimizer.Tool{{Name: "git_commit", Description: "Record changes"}}); err == nil {
		t.Error("embedding error not reported")
	}
	res := ix.Search(ctx, optimizer.Query{Description: "commit my changes"})
	if res.Semantic || res.SemanticErr == nil || len(res.Hits) != 1 {
		t.Errorf("keyword fallback: %+v", res)
	}
}

func cos(a, b []float32) float64 {
	var d float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
	}
	return d
}

package optimizer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"sync"
)

// Embedder turns texts into vectors, one per text, in order.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// embedBatch bounds one embedding request (TEI's default max batch is 32).
const embedBatch = 32

// embedText is what the semantic arm sees of a tool: its words, not its
// identifiers, so "create_pull_request" reads as "create pull request".
func embedText(t Tool) string {
	var b strings.Builder
	b.WriteString(strings.Join(words(t.Name), " "))
	if t.Title != "" {
		b.WriteString(" (" + t.Title + ")")
	}
	b.WriteString(" [" + t.Server + "]: ")
	b.WriteString(t.Description)
	for _, p := range t.Params {
		b.WriteString(" " + strings.Join(words(p.Name), " "))
	}
	return b.String()
}

func contentHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// vectorCache keeps embeddings by content hash, so a tool whose text did not
// change is never embedded again, whichever server or session brings it.
type vectorCache struct {
	mu sync.RWMutex
	m  map[string][]float32
}

func newVectorCache() *vectorCache { return &vectorCache{m: map[string][]float32{}} }

func (c *vectorCache) get(hash string) []float32 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[hash]
}

func (c *vectorCache) put(hash string, v []float32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[hash] = v
}

// embedLocked embeds the docs that have no cached vector, in batches.
func (ix *Index) embedLocked(ctx context.Context, docs []*analyzed) error {
	if ix.opts.Embedder == nil {
		return nil
	}
	var todo []*analyzed
	seen := map[string]bool{}
	for _, d := range docs {
		if ix.vectors.get(d.hash) == nil && !seen[d.hash] {
			seen[d.hash] = true
			todo = append(todo, d)
		}
	}
	for start := 0; start < len(todo); start += embedBatch {
		batch := todo[start:min(start+embedBatch, len(todo))]
		texts := make([]string, len(batch))
		for i, d := range batch {
			texts[i] = d.text
		}
		vecs, err := ix.opts.Embedder.Embed(ctx, texts)
		if err != nil {
			return fmt.Errorf("embedding %d tools: %w", len(todo)-start, err)
		}
		if len(vecs) != len(batch) {
			return fmt.Errorf("embedding service returned %d vectors for %d texts", len(vecs), len(batch))
		}
		for i, d := range batch {
			ix.vectors.put(d.hash, normalize(vecs[i]))
		}
	}
	return nil
}

// semanticScores is the cosine similarity of the query to every tool (0 for
// tools without a vector).
func (ix *Index) semanticScores(ctx context.Context, s *snapshot, text string) ([]float64, error) {
	vecs, err := ix.opts.Embedder.Embed(ctx, []string{text})
	if err != nil {
		return nil, fmt.Errorf("embedding the query: %w", err)
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("embedding service returned %d vectors for 1 text", len(vecs))
	}
	q := normalize(vecs[0])
	sims := make([]float64, len(s.keys))
	for i, v := range s.vecs {
		if v == nil || len(v) != len(q) {
			continue
		}
		var dot float64
		for j := range v {
			dot += float64(v[j]) * float64(q[j])
		}
		sims[i] = dot
	}
	return sims, nil
}

// normalize scales a vector to unit length, so a dot product is the cosine.
func normalize(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(n))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * inv
	}
	return out
}

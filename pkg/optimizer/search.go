package optimizer

import (
	"context"
	"math"
	"sort"
	"strings"
	"sync"
)

// DefaultLimit is how many tools a search returns when the query says
// nothing (the original's maxToolsToReturn default).
const DefaultLimit = 8

// Query is one search.
type Query struct {
	// Description is the task in natural language: it feeds both arms.
	Description string
	// Keywords are extra search words: they feed the keyword arm only.
	Keywords []string
	// Limit caps the hits; 0 means DefaultLimit.
	Limit int
	// Allow, when set, hides every tool it returns false for (authorization):
	// a hidden tool is never ranked, so it cannot push others out either.
	Allow func(Key) bool
}

// Hit is one ranked tool.
type Hit struct {
	Key
	// Score is the mixed score: higher is better, comparable within a search.
	Score float64
	// Distance is the semantic cosine distance, or -1 when the semantic arm
	// did not take part.
	Distance float64
}

// Result is the ranked tools of a search.
type Result struct {
	Hits []Hit
	// Semantic reports whether the semantic arm took part.
	Semantic bool
	// SemanticErr is why it did not although an embedder is configured.
	SemanticErr error
}

// Search ranks the indexed tools for a query, best first.
func (ix *Index) Search(ctx context.Context, q Query) Result {
	s := ix.snap.Load()
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	allowed := func(i int) bool { return q.Allow == nil || q.Allow(s.keys[i]) }

	buf := scratchPool.Get().(*scratch)
	defer scratchPool.Put(buf)
	kw := s.keywordScores(buf, q.Description+" "+strings.Join(q.Keywords, " "))
	var res Result
	var sims []float64
	if ix.opts.Embedder != nil && ix.opts.SemanticRatio > 0 && strings.TrimSpace(q.Description) != "" {
		var err error
		sims, err = ix.semanticScores(ctx, s, q.Description)
		res.Semantic, res.SemanticErr = err == nil, err
	}

	maxKw := 0.0
	for i, v := range kw {
		if v > maxKw && allowed(i) {
			maxKw = v
		}
	}
	ratio := ix.opts.SemanticRatio
	if !res.Semantic {
		ratio = 0
	}
	hits := make([]Hit, 0, limit+1)
	for i := range s.keys {
		if !allowed(i) {
			continue
		}
		h := Hit{Key: s.keys[i], Distance: -1}
		var kwNorm float64
		if maxKw > 0 {
			kwNorm = kw[i] / maxKw
		}
		semOK := false
		if res.Semantic && s.vecs[i] != nil {
			h.Distance = 1 - sims[i]
			semOK = ix.opts.DistanceThreshold <= 0 || h.Distance <= ix.opts.DistanceThreshold
		}
		if kwNorm == 0 && !semOK {
			continue
		}
		h.Score = (1 - ratio) * kwNorm
		if semOK {
			h.Score += ratio * clamp01(sims[i])
		}
		hits = insertTop(hits, h, limit)
	}
	res.Hits = hits
	return res
}

// coordination is how strongly a tool's score depends on the share of the
// query's concepts it matches: BM25 alone lets one rare word matched twice
// outrank a tool that matches everything the task asks for.
var coordination = 0.5

// keywordScores is the BM25F score of every tool for the analysed query:
// per concept the best-scoring alternative, summed over concepts, times the
// idf-weighted share of concepts the tool matches (to the coordination power).
func (s *snapshot) keywordScores(buf *scratch, text string) []float64 {
	n := len(s.keys)
	scores, covered, best := buf.reset(n)
	touched := buf.touched[:0]
	defer func() { buf.touched = touched }()
	total := 0.0
	for _, c := range expand(text) {
		touched = touched[:0]
		mass := 0.0
		for _, alt := range c {
			idf := s.idf[alt.term]
			if len(s.postings[alt.term]) > 0 {
				mass = max(mass, alt.weight*idf)
			}
			for _, p := range s.postings[alt.term] {
				tf := float64(p.tfw)
				v := alt.weight * idf * tf * (k1 + 1) / (tf + k1)
				if best[p.doc] == 0 {
					touched = append(touched, p.doc)
				}
				if v > best[p.doc] {
					best[p.doc] = v
				}
			}
		}
		total += mass
		for _, d := range touched {
			scores[d] += best[d]
			covered[d] += mass
			best[d] = 0
		}
	}
	if total > 0 && coordination > 0 {
		for d := range scores {
			if scores[d] > 0 {
				scores[d] *= math.Pow(covered[d]/total, coordination)
			}
		}
	}
	return scores
}

// better orders hits: higher score first, then by server and name, so equal
// scores rank the same way every time.
func better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Server != b.Server {
		return a.Server < b.Server
	}
	return a.Name < b.Name
}

// insertTop inserts h into hits (sorted by better, at most limit long).
func insertTop(hits []Hit, h Hit, limit int) []Hit {
	if len(hits) == limit && !better(h, hits[limit-1]) {
		return hits
	}
	i := sort.Search(len(hits), func(i int) bool { return better(h, hits[i]) })
	hits = append(hits, Hit{})
	copy(hits[i+1:], hits[i:])
	hits[i] = h
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// scratch is the per-search working memory, pooled so a search allocates
// little at thousands of tools.
type scratch struct {
	scores, covered, best []float64
	touched               []int32
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

func (b *scratch) reset(n int) (scores, covered, best []float64) {
	if cap(b.scores) < n {
		b.scores, b.covered, b.best = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	b.scores, b.covered, b.best = b.scores[:n], b.covered[:n], b.best[:n]
	clear(b.scores)
	clear(b.covered)
	clear(b.best)
	return b.scores, b.covered, b.best
}

func clamp01(v float64) float64 {
	switch {
	case v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

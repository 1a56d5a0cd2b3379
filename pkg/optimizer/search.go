package optimizer

import (
	"context"
	"math"
	"sort"
	"strings"
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

	kw := s.keywordScores(q.Description + " " + strings.Join(q.Keywords, " "))
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
	hits := make([]Hit, 0, 64)
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
		hits = append(hits, h)
	}
	sort.Slice(hits, func(a, b int) bool {
		if hits[a].Score != hits[b].Score {
			return hits[a].Score > hits[b].Score
		}
		if hits[a].Server != hits[b].Server {
			return hits[a].Server < hits[b].Server
		}
		return hits[a].Name < hits[b].Name
	})
	if len(hits) > limit {
		hits = hits[:limit]
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
func (s *snapshot) keywordScores(text string) []float64 {
	scores := make([]float64, len(s.keys))
	covered := make([]float64, len(s.keys))
	best := make([]float64, len(s.keys))
	var touched []int32
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

func clamp01(v float64) float64 {
	switch {
	case v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

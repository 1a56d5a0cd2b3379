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
const coordination = 0.5

// serverGate is how much a task that names a server ("in Notion", "on
// GitHub") takes off the tools of every other server: a big server's name is
// a common word within it, so as one BM25 term among others it is easily
// outweighed by a word that happens to be rarer in another server.
const serverGate = 0.3

// actionPenalty is how much a tool whose name says one action (create, get,
// delete, ...) loses when the task asks for others only: "get a page" must
// not rank update_page first because both name the page.
const actionPenalty = 0.1

// keywordScores is the BM25F score of every tool for the analysed query:
// per concept the best-scoring alternative, summed over concepts, times the
// idf-weighted share of concepts the tool matches (to the coordination
// power), then gated by the servers and the actions the task names.
func (s *snapshot) keywordScores(buf *scratch, text string) []float64 {
	n := len(s.keys)
	scores, covered, best := buf.reset(n)
	touched := buf.touched[:0]
	defer func() { buf.touched = touched }()
	concepts := expand(text, func(t string) bool { return len(s.postings[t]) > 0 || len(s.servers[t].ranges) > 0 })
	total := 0.0
	for _, c := range concepts {
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
				best[p.doc] = max(best[p.doc], v)
			}
			// The server's name: by its rarity among servers.
			st := s.servers[alt.term]
			if len(st.ranges) == 0 {
				continue
			}
			v := alt.weight * s.serverWeight * st.idf
			mass = max(mass, v)
			for _, r := range st.ranges {
				for d := r[0]; d < r[1]; d++ {
					if best[d] == 0 {
						touched = append(touched, d)
					}
					best[d] = max(best[d], v)
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
	if total > 0 {
		for d := range scores {
			if scores[d] > 0 {
				scores[d] *= math.Pow(covered[d]/total, coordination)
			}
		}
	}
	s.gateServers(buf, concepts, scores)
	s.gateActions(queryActions(text, concepts), scores)
	return scores
}

// gateServers lowers the tools of the servers a task does not name, when it
// names any (by a word of the server's name, as the task wrote it).
func (s *snapshot) gateServers(buf *scratch, concepts []concept, scores []float64) {
	named := buf.named[:0]
	defer func() { buf.named = named }()
	for _, c := range concepts {
		named = append(named, s.servers[c[0].term].ranges...)
	}
	if len(named) == 0 {
		return
	}
	for d := range scores {
		if scores[d] > 0 && !inRanges(int32(d), named) {
			scores[d] *= 1 - serverGate
		}
	}
}

// gateActions lowers the tools whose name says an action the task does not
// ask for, when the task asks for any.
func (s *snapshot) gateActions(want uint64, scores []float64) {
	if want == 0 {
		return
	}
	for d := range scores {
		if a := s.actions[d]; scores[d] > 0 && a != 0 && a&want == 0 {
			scores[d] *= 1 - actionPenalty
		}
	}
}

func inRanges(d int32, ranges [][2]int32) bool {
	for _, r := range ranges {
		if d >= r[0] && d < r[1] {
			return true
		}
	}
	return false
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
	named                 [][2]int32
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

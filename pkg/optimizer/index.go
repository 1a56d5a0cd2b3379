package optimizer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// field is one searched part of a tool.
type field int

const (
	fieldName field = iota
	fieldServer
	fieldLead
	fieldDescription
	fieldParamName
	fieldParamDescription
	numFields
)

// FieldWeights says how much a term in each field counts; BM25F sums the
// weighted, length-normalised term frequencies of all fields.
type FieldWeights struct {
	Name, Server, Lead, Description, ParamName, ParamDescription float64
}

// DefaultFieldWeights rank a term in the tool's name far above the same term
// in its description, and parameter text lowest: names are short and say what
// the tool does; the first sentence of a description (Lead) says it again in
// words; the rest of it, and the parameters, also say what it does not do.
// The server's name is scored apart from the fields, by its idf among the
// servers (among the tools, a big server's name would be a common word):
// Server is what a match counts per unit of that idf.
var DefaultFieldWeights = FieldWeights{Name: 4, Server: 0.5, Lead: 2, Description: 0.5, ParamName: 0.3, ParamDescription: 0.1}

// BM25 parameters: k1 saturates term frequency; b is per field, low for the
// short name and server fields, where length says little.
const k1 = 2.0

var fieldB = [numFields]float64{fieldName: 0.3, fieldServer: 0, fieldLead: 0.5, fieldDescription: 0.75, fieldParamName: 0.5, fieldParamDescription: 0.75}

// Options configure an Index.
type Options struct {
	// Weights are the BM25F field weights; zero means DefaultFieldWeights.
	Weights FieldWeights
	// Embedder, when set, turns on the semantic arm.
	Embedder Embedder
	// SemanticRatio is the share of the semantic arm in the mixed score, 0..1.
	SemanticRatio float64
	// DistanceThreshold drops semantic candidates whose cosine distance
	// (0 same direction .. 2 opposite) is above it; 0 means no threshold.
	DistanceThreshold float64
}

// Index is a searchable set of tools, per server. It is safe for concurrent
// use: writers are serialised, readers see the last complete snapshot.
type Index struct {
	opts    Options
	weights [numFields]float64

	mu      sync.Mutex             // serialises SetServer / RemoveServer
	servers map[string][]*analyzed // server → its analysed tools
	vectors *vectorCache           // embeddings by content hash

	snap atomic.Pointer[snapshot]
}

// analyzed is one tool after analysis: its terms per field.
type analyzed struct {
	key    Key
	tf     map[string]*[numFields]float32
	length [numFields]float32
	// text is what the semantic arm embeds; hash identifies it in the cache.
	text string
	hash string
}

// posting is one tool containing a term, with the term's BM25F-weighted
// frequency in it (computed once per snapshot).
type posting struct {
	doc int32
	tfw float32
}

// snapshot is an immutable view of the index that searches read.
type snapshot struct {
	keys     []Key
	postings map[string][]posting
	idf      map[string]float64
	vecs     [][]float32 // per doc, nil when not (yet) embedded
	actions  []uint64    // per doc, the action groups its name says (see actionGroups)
	// servers are the terms of server names, each with the docs of the
	// servers that carry it and its idf among servers; serverWeight is
	// what a match counts per unit of that idf.
	servers      map[string]serverTerm
	serverWeight float64
}

// serverTerm is one term of server names: the docs of the servers whose name
// has it (docs are ordered by server, so one range per server).
type serverTerm struct {
	ranges [][2]int32
	idf    float64
}

// New returns an empty index.
func New(opts Options) *Index {
	w := opts.Weights
	if w == (FieldWeights{}) {
		w = DefaultFieldWeights
	}
	ix := &Index{
		opts:    opts,
		weights: [numFields]float64{w.Name, w.Server, w.Lead, w.Description, w.ParamName, w.ParamDescription},
		servers: map[string][]*analyzed{},
		vectors: newVectorCache(),
	}
	ix.snap.Store(&snapshot{postings: map[string][]posting{}, idf: map[string]float64{}})
	return ix
}

// SetServer replaces the tools of one server and publishes a new snapshot.
// Only this server's tools are analysed; with an embedder, only tools whose
// text is not cached are embedded. An embedding error is returned after the
// keyword index is updated: the tools are searchable by keyword at once and
// are embedded on a later SetServer or EmbedMissing.
func (ix *Index) SetServer(ctx context.Context, server string, tools []Tool) error {
	docs := make([]*analyzed, 0, len(tools))
	for _, t := range tools {
		t.Server = server
		docs = append(docs, analyze(t))
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.servers[server] = docs
	err := ix.embedLocked(ctx, docs)
	ix.publishLocked()
	return err
}

// SetServers replaces the tools of several servers at once (a nil list
// removes the server) and publishes one snapshot: the initial build, or every
// backend that changed in one aggregation.
func (ix *Index) SetServers(ctx context.Context, servers map[string][]Tool) error {
	analysed := make(map[string][]*analyzed, len(servers))
	for server, tools := range servers {
		if tools == nil {
			analysed[server] = nil
			continue
		}
		docs := make([]*analyzed, 0, len(tools))
		for _, t := range tools {
			t.Server = server
			docs = append(docs, analyze(t))
		}
		analysed[server] = docs
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var errs []error
	for server, docs := range analysed {
		if docs == nil {
			delete(ix.servers, server)
			continue
		}
		ix.servers[server] = docs
		if err := ix.embedLocked(ctx, docs); err != nil {
			errs = append(errs, fmt.Errorf("server %s: %w", server, err))
		}
	}
	ix.publishLocked()
	return errors.Join(errs...)
}

// RemoveServer drops a server's tools.
func (ix *Index) RemoveServer(server string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	delete(ix.servers, server)
	ix.publishLocked()
}

// EmbedMissing embeds every tool that has no vector yet (after an embedder
// outage) and publishes them. It is a no-op without an embedder.
func (ix *Index) EmbedMissing(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var all []*analyzed
	for _, docs := range ix.servers {
		all = append(all, docs...)
	}
	err := ix.embedLocked(ctx, all)
	ix.publishLocked()
	return err
}

// Len is the number of indexed tools.
func (ix *Index) Len() int { return len(ix.snap.Load().keys) }

// MissingVectors is the number of tools the semantic arm cannot see yet.
func (ix *Index) MissingVectors() int {
	if ix.opts.Embedder == nil {
		return 0
	}
	n := 0
	for _, v := range ix.snap.Load().vecs {
		if v == nil {
			n++
		}
	}
	return n
}

func analyze(t Tool) *analyzed {
	a := &analyzed{key: Key{Server: t.Server, Name: t.Name}, tf: map[string]*[numFields]float32{}}
	addField := func(f field, text string) {
		for _, term := range terms(text) {
			c := a.tf[term]
			if c == nil {
				c = new([numFields]float32)
				a.tf[term] = c
			}
			c[f]++
			a.length[f]++
		}
	}
	addField(fieldName, t.Name+" "+t.Title)
	addField(fieldServer, t.Server)
	addField(fieldLead, leadSentence(t.Description))
	addField(fieldDescription, t.Description)
	var pn, pd []string
	for _, p := range t.Params {
		pn = append(pn, p.Name)
		pd = append(pd, p.Description)
	}
	addField(fieldParamName, strings.Join(pn, " "))
	addField(fieldParamDescription, strings.Join(pd, " "))
	a.text = embedText(t)
	a.hash = contentHash(a.text)
	return a
}

// publishLocked builds a snapshot from the analysed tools of all servers.
func (ix *Index) publishLocked() {
	names := make([]string, 0, len(ix.servers))
	for s := range ix.servers {
		names = append(names, s)
	}
	sort.Strings(names)
	var docs []*analyzed
	for _, s := range names {
		docs = append(docs, ix.servers[s]...)
	}
	var avg [numFields]float64
	for _, d := range docs {
		for f := range avg {
			avg[f] += float64(d.length[f])
		}
	}
	for f := range avg {
		if len(docs) > 0 {
			avg[f] /= float64(len(docs))
		}
		if avg[f] == 0 {
			avg[f] = 1
		}
	}
	s := &snapshot{
		keys:     make([]Key, len(docs)),
		postings: map[string][]posting{},
		idf:      map[string]float64{},
		vecs:     make([][]float32, len(docs)),
		actions:  make([]uint64, len(docs)),
	}
	s.servers, s.serverWeight = serverTerms(docs), ix.weights[fieldServer]
	for i, d := range docs {
		s.keys[i] = d.key
		s.vecs[i] = ix.vectors.get(d.hash)
		for term, tf := range d.tf {
			if tf[fieldName] > 0 {
				s.actions[i] |= actionGroups[term]
			}
			var w float64
			for f := field(0); f < numFields; f++ {
				if tf[f] == 0 {
					continue
				}
				if f == fieldServer {
					continue // scored apart, by s.servers
				}
				norm := 1 - fieldB[f] + fieldB[f]*float64(d.length[f])/avg[f]
				w += ix.weights[f] * float64(tf[f]) / norm
			}
			s.postings[term] = append(s.postings[term], posting{doc: int32(i), tfw: float32(w)})
		}
	}
	n := float64(len(docs))
	for term, ps := range s.postings {
		df := float64(len(ps))
		s.idf[term] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	ix.snap.Store(s)
}

// leadSentence is the first sentence of a description: what the tool does,
// before the usage notes, caveats and examples that follow.
func leadSentence(desc string) string {
	desc = strings.TrimSpace(desc)
	for i, r := range desc {
		if r == '\n' || (r == '.' || r == '!' || r == '?') && (i+1 == len(desc) || desc[i+1] == ' ' || desc[i+1] == '\n') {
			return desc[:i]
		}
	}
	return desc
}

// serverTerms indexes the server-name terms of docs (sorted by server).
func serverTerms(docs []*analyzed) map[string]serverTerm {
	out := map[string]serverTerm{}
	servers := 0
	for i := 0; i < len(docs); {
		j := i
		for j < len(docs) && docs[j].key.Server == docs[i].key.Server {
			j++
		}
		servers++
		seen := map[string]bool{}
		for _, t := range terms(docs[i].key.Server) {
			if seen[t] {
				continue
			}
			seen[t] = true
			st := out[t]
			st.ranges = append(st.ranges, [2]int32{int32(i), int32(j)})
			out[t] = st
		}
		i = j
	}
	n := float64(servers)
	for t, st := range out {
		df := float64(len(st.ranges))
		st.idf = math.Log(1 + (n-df+0.5)/(df+0.5))
		out[t] = st
	}
	return out
}

package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcp-operator/mcp-operator/pkg/optimizer"
)

// capturedServer is one file of testdata/tools: a real server's tools/list.
type capturedServer struct {
	Server string `json:"server"`
	Source struct {
		NPM string `json:"npm"`
	} `json:"source"`
	Tools []struct {
		Name        string `json:"name"`
		Title       string `json:"title"`
		Description string `json:"description"`
		InputSchema any    `json:"inputSchema"`
	} `json:"tools"`
}

// loadEvalSet reads the captured servers' tools and the tasks over them (from the
// repository root).
func loadEvalSet() (map[string][]optimizer.Tool, []evalQuery, error) {
	servers, err := loadServers("bench/optimizer/testdata/tools")
	if err != nil {
		return nil, nil, err
	}
	qs, err := loadQueries("bench/optimizer/testdata/queries.txt", servers)
	return servers, qs, err
}

// loadServers reads every captured tools/list under dir.
func loadServers(dir string) (map[string][]optimizer.Tool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string][]optimizer.Tool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var c capturedServer
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, t := range c.Tools {
			out[c.Server] = append(out[c.Server], optimizer.Tool{
				Server: c.Server, Name: t.Name, Title: t.Title, Description: t.Description,
				Params: optimizer.ParamsFromSchema(t.InputSchema),
			})
		}
	}
	return out, nil
}

// evalQuery is one task with every acceptable answer.
type evalQuery struct {
	text     string
	answers  map[optimizer.Key]bool
	heldOut  bool
	category string
}

// heldOut puts about 30 % of the tasks aside by a hash of their text, so the
// split is fixed and nobody chooses it.
func isHeldOut(text string) bool {
	sum := sha256.Sum256([]byte(text))
	return sum[0] < 77
}

// loadQueries reads testdata/queries.txt and checks every answer exists.
func loadQueries(path string, servers map[string][]optimizer.Tool) ([]evalQuery, error) {
	exists := map[optimizer.Key]bool{}
	for s, tools := range servers {
		for _, t := range tools {
			exists[optimizer.Key{Server: s, Name: t.Name}] = true
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []evalQuery
	category := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "# ---") {
			category = strings.TrimSpace(strings.TrimPrefix(line, "# ---"))
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		text, answers, ok := strings.Cut(line, "=>")
		if !ok {
			return nil, fmt.Errorf("%s:%d: no =>", path, n)
		}
		q := evalQuery{text: strings.TrimSpace(text), answers: map[optimizer.Key]bool{}, category: category}
		q.heldOut = isHeldOut(q.text)
		for _, a := range strings.Split(answers, ",") {
			server, name, ok := strings.Cut(strings.TrimSpace(a), "/")
			k := optimizer.Key{Server: server, Name: name}
			if !ok || !exists[k] {
				return nil, fmt.Errorf("%s:%d: answer %q is not a captured tool", path, n, a)
			}
			q.answers[k] = true
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// quality is recall@1, recall@5 and MRR (over the first 10) of one query set.
type quality struct {
	n               int
	at1, at5, rrSum float64
	misses          []string
}

func (q quality) String() string {
	if q.n == 0 {
		return "no queries"
	}
	n := float64(q.n)
	return fmt.Sprintf("recall@1 %.3f  recall@5 %.3f  MRR %.3f  (%d tasks)", q.at1/n, q.at5/n, q.rrSum/n, q.n)
}

// evaluate runs every query and scores the ranking.
func evaluate(ctx context.Context, ix *optimizer.Index, qs []evalQuery, heldOut bool) quality {
	var r quality
	for _, q := range qs {
		if q.heldOut != heldOut {
			continue
		}
		r.n++
		res := ix.Search(ctx, optimizer.Query{Description: q.text, Limit: 10})
		rank := 0
		for i, h := range res.Hits {
			if q.answers[h.Key] {
				rank = i + 1
				break
			}
		}
		if rank == 1 {
			r.at1++
		}
		if rank >= 1 && rank <= 5 {
			r.at5++
		}
		if rank > 0 {
			r.rrSum += 1 / float64(rank)
		}
		if rank != 1 {
			var got []string
			for i, h := range res.Hits {
				if i == 3 {
					break
				}
				got = append(got, h.Server+"/"+h.Name)
			}
			r.misses = append(r.misses, fmt.Sprintf("rank %2d  %q → %s", rank, q.text, strings.Join(got, " ")))
		}
	}
	sort.Strings(r.misses)
	return r
}

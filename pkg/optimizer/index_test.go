package optimizer

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
)

var sampleTools = map[string][]Tool{
	"github": {
		{Name: "create_issue", Description: "Create a new issue in a GitHub repository", Params: []Param{{Name: "title"}, {Name: "body"}}},
		{Name: "merge_pull_request", Description: "Merge a pull request"},
		{Name: "list_commits", Description: "Get list of commits of a branch"},
	},
	"filesystem": {
		{Name: "read_text_file", Description: "Read the complete contents of a file as text", Params: []Param{{Name: "path", Description: "Path of the file"}}},
		{Name: "create_directory", Description: "Create a new directory or ensure a directory exists"},
		{Name: "move_file", Description: "Move or rename files and directories"},
	},
	"slack": {
		{Name: "slack_post_message", Description: "Post a new message to a Slack channel", Params: []Param{{Name: "channel_id"}, {Name: "text"}}},
		{Name: "slack_add_reaction", Description: "Add a reaction emoji to a message"},
	},
}

func newSampleIndex(t *testing.T, opts Options) *Index {
	t.Helper()
	ix := New(opts)
	for s, tools := range sampleTools {
		if err := ix.SetServer(context.Background(), s, tools); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

func names(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Server+"/"+h.Name)
	}
	return out
}

func TestSearchRanksFirst(t *testing.T) {
	ix := newSampleIndex(t, Options{})
	for task, want := range map[string]string{
		"open a ticket on github about the crash":    "github/create_issue",
		"land the approved PR":                       "github/merge_pull_request",
		"make a folder called reports":               "filesystem/create_directory",
		"print the text of config.yaml":              "filesystem/read_text_file",
		"rename notes.txt":                           "filesystem/move_file",
		"say hello in the team slack channel":        "slack/slack_post_message",
		"react with a thumbs up emoji":               "slack/slack_add_reaction",
		"show the recent commit history of a branch": "github/list_commits",
	} {
		hits := ix.Search(context.Background(), Query{Description: task}).Hits
		if len(hits) == 0 || hits[0].Server+"/"+hits[0].Name != want {
			t.Errorf("%q: got %v, want %s first", task, names(hits), want)
		}
	}
}

func TestSearchLimitAllowAndKeywords(t *testing.T) {
	ix := newSampleIndex(t, Options{})
	ctx := context.Background()
	if hits := ix.Search(ctx, Query{Description: "create", Limit: 1}).Hits; len(hits) != 1 {
		t.Errorf("limit 1: %v", names(hits))
	}
	deny := func(k Key) bool { return k.Name != "create_issue" }
	for _, h := range ix.Search(ctx, Query{Description: "open a ticket on github", Allow: deny}).Hits {
		if h.Name == "create_issue" {
			t.Errorf("a denied tool was returned")
		}
	}
	hits := ix.Search(ctx, Query{Description: "do the thing", Keywords: []string{"emoji"}}).Hits
	if len(hits) == 0 || hits[0].Name != "slack_add_reaction" {
		t.Errorf("keywords: %v", names(hits))
	}
	if hits := ix.Search(ctx, Query{Description: "zzzz qqqq"}).Hits; len(hits) != 0 {
		t.Errorf("nonsense matched %v", names(hits))
	}
}

func TestSetServerIsIncremental(t *testing.T) {
	ix := newSampleIndex(t, Options{})
	ctx := context.Background()
	if ix.Len() != 8 {
		t.Fatalf("len %d", ix.Len())
	}
	if err := ix.SetServer(ctx, "slack", []Tool{{Name: "slack_get_users", Description: "List workspace users"}}); err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 7 {
		t.Errorf("len after replacing slack: %d", ix.Len())
	}
	if hits := ix.Search(ctx, Query{Description: "react with emoji"}).Hits; slices.Contains(names(hits), "slack/slack_add_reaction") {
		t.Errorf("a replaced tool is still found: %v", names(hits))
	}
	ix.RemoveServer("github")
	if hits := ix.Search(ctx, Query{Description: "merge pull request"}).Hits; len(hits) != 0 {
		t.Errorf("a removed server's tools are still found: %v", names(hits))
	}
}

// fakeEmbedder embeds by a fixed table; it counts texts embedded.
type fakeEmbedder struct {
	vec   func(text string) []float32
	texts atomic.Int64
	fail  atomic.Bool
}

func (f *fakeEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	if f.fail.Load() {
		return nil, errors.New("down")
	}
	f.texts.Add(int64(len(texts)))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = f.vec(t)
	}
	return out, nil
}

// twoAxes puts texts about messages on one axis and everything else on another.
func twoAxes(text string) []float32 {
	for _, w := range words(text) {
		if w == "message" || w == "chat" {
			return []float32{1, 0}
		}
	}
	return []float32{0, 1}
}

func TestSemanticArmMixesAndFallsBack(t *testing.T) {
	emb := &fakeEmbedder{vec: twoAxes}
	ix := newSampleIndex(t, Options{Embedder: emb, SemanticRatio: 0.9, DistanceThreshold: 0.5})
	ctx := context.Background()
	embedded := emb.texts.Load()
	if embedded != 8 {
		t.Errorf("embedded %d texts for 8 tools", embedded)
	}
	// "chat" is no keyword of any tool: only the semantic arm can find these.
	res := ix.Search(ctx, Query{Description: "chat"})
	if !res.Semantic || len(res.Hits) == 0 || res.Hits[0].Server != "slack" {
		t.Fatalf("semantic search: %+v", res)
	}
	for _, h := range res.Hits {
		if h.Distance > 0.5 {
			t.Errorf("%s/%s above the distance threshold: %v", h.Server, h.Name, h.Distance)
		}
	}
	// Unchanged tools are not embedded again.
	if err := ix.SetServer(ctx, "github", sampleTools["github"]); err != nil {
		t.Fatal(err)
	}
	if emb.texts.Load() != embedded+1 { // +1: the query above
		t.Errorf("re-embedded unchanged tools: %d texts", emb.texts.Load()-embedded)
	}
	emb.fail.Store(true)
	res = ix.Search(ctx, Query{Description: "merge the pull request"})
	if res.Semantic || res.SemanticErr == nil || len(res.Hits) == 0 || res.Hits[0].Name != "merge_pull_request" {
		t.Errorf("fallback to keywords: %+v", res)
	}
}

func TestParamsFromSchema(t *testing.T) {
	schema := map[string]any{"type": "object", "properties": map[string]any{
		"path":  map[string]any{"type": "string", "description": "File path"},
		"edits": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"oldText": map[string]any{"description": "Text to replace"}}}},
	}}
	got := ParamsFromSchema(schema)
	want := []Param{{Name: "edits"}, {Name: "oldText", Description: "Text to replace"}, {Name: "path", Description: "File path"}}
	if !slices.Equal(got, want) {
		t.Errorf("params = %v, want %v", got, want)
	}
}

// TestSearchRanksByServerAndAction ranks tasks that name a server or an
// action against tools that share their other words.
func TestSearchRanksByServerAndAction(t *testing.T) {
	ix := New(Options{})
	ctx := context.Background()
	servers := map[string][]Tool{
		"notion": {
			{Name: "API-get-users", Description: "Get all users of the workspace"},
			{Name: "API-retrieve-a-page", Description: "Retrieve a page"},
			{Name: "API-update-page", Description: "Update the properties of a page"},
			{Name: "API-post-page", Description: "Create a page"},
		},
		"slack":      {{Name: "slack_list_users", Description: "List the users and members of the workspace"}},
		"github":     {{Name: "list_commits", Description: "List commits"}},
		"filesystem": {{Name: "read_file", Description: "Read a file"}},
	}
	if err := ix.SetServers(ctx, servers); err != nil {
		t.Fatal(err)
	}
	for task, want := range map[string]string{
		"list the members of the Notion workspace": "notion/API-get-users",
		"list the members of the workspace":        "slack/slack_list_users",
		"get the properties of a notion page":      "notion/API-retrieve-a-page",
		"change the properties of a notion page":   "notion/API-update-page",
	} {
		hits := ix.Search(ctx, Query{Description: task}).Hits
		if len(hits) == 0 || hits[0].Server+"/"+hits[0].Name != want {
			t.Errorf("%q: got %v, want %s first", task, names(hits), want)
		}
	}
}

func TestGateServers(t *testing.T) {
	// docs 0-1 are server "notion", doc 2 is "slack".
	s := &snapshot{servers: map[string]serverTerm{
		"notion": {ranges: [][2]int32{{0, 2}}},
		"slack":  {ranges: [][2]int32{{2, 3}}},
	}}
	for _, c := range []struct {
		task string
		want []float64
	}{
		{"users in notion", []float64{1, 0, 1 - serverGate}},
		{"users in notion or slack", []float64{1, 0, 1}},
		{"users", []float64{1, 0, 1}},
	} {
		scores := []float64{1, 0, 1}
		s.gateServers(&scratch{}, expand(c.task, func(string) bool { return true }), scores)
		if !slices.Equal(scores, c.want) {
			t.Errorf("%q: scores %v, want %v", c.task, scores, c.want)
		}
	}
}

func TestGateActions(t *testing.T) {
	get, del := actionGroups[stem("get")], actionGroups[stem("delete")]
	s := &snapshot{actions: []uint64{get, del, 0, get | del}}
	for _, c := range []struct {
		want   uint64
		scores []float64
	}{
		{get, []float64{1, 1 - actionPenalty, 1, 1}},
		{del, []float64{1 - actionPenalty, 1, 1, 1}},
		{0, []float64{1, 1, 1, 1}},
	} {
		scores := []float64{1, 1, 1, 1}
		s.gateActions(c.want, scores)
		if !slices.Equal(scores, c.scores) {
			t.Errorf("actions %b: scores %v, want %v", c.want, scores, c.scores)
		}
	}
}

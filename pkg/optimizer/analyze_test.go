package optimizer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"create_pull_request":       {"create", "pull", "request"},
		"API-get-block-children":    {"api", "get", "block", "children"},
		"imageFetch":                {"image", "fetch"},
		"getHTTPResponse2":          {"get", "http", "response", "2"},
		"kubectl.rollout status":    {"kubectl", "rollout", "status"},
		"resolve-library-id":        {"resolve", "library", "id"},
		"  ":                        nil,
		"sequentialthinking":        {"sequentialthinking"},
		"list_directory_with_sizes": {"list", "directory", "with", "sizes"},
	} {
		if got := words(in); !cmp.Equal(got, want) {
			t.Errorf("words(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestStemUnifiesForms(t *testing.T) {
	for _, group := range [][]string{
		{"create", "creates", "created", "creating", "creation"},
		{"delete", "deletes", "deleted", "deleting"},
		{"update", "updates", "updated", "updating"},
		{"file", "files"},
		{"query", "queries", "queried"},
		{"directory", "directories"},
		{"stop", "stopped", "stopping", "stops"},
		{"write", "writes", "writing", "wrote", "written"},
		{"repository", "repositories"},
		{"install", "installs", "installed", "installing"},
	} {
		want := stem(group[0])
		for _, w := range group[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, stem(%q) = %q: want one stem", w, got, group[0], want)
			}
		}
	}
	for _, distinct := range [][2]string{{"list", "last"}, {"pass", "pas"}, {"issue", "is"}} {
		if stem(distinct[0]) == stem(distinct[1]) {
			t.Errorf("stem conflates %q and %q", distinct[0], distinct[1])
		}
	}
}

func TestTermsDropStopWordsAndNumbers(t *testing.T) {
	got := terms("Please show me the logs of pod 42 in the cluster")
	want := []string{stem("show"), stem("logs"), stem("pod"), stem("cluster")}
	if !cmp.Equal(got, want) {
		t.Errorf("terms = %v, want %v", got, want)
	}
}

func TestExpandWeightsSynonyms(t *testing.T) {
	cs := expand("remove folder", func(string) bool { return true })
	if len(cs) != 2 {
		t.Fatalf("concepts = %v", cs)
	}
	weight := func(c concept, term string) float64 {
		for _, a := range c {
			if a.term == term {
				return a.weight
			}
		}
		return 0
	}
	if w := weight(cs[0], stem("remove")); w != 1 {
		t.Errorf("own word weight %v", w)
	}
	if w := weight(cs[0], stem("delete")); w != expandWeight {
		t.Errorf("remove→delete (head) weight %v, want %v", w, expandWeight)
	}
	if w := weight(cs[0], stem("erase")); w != sideWeight {
		t.Errorf("remove→erase (side) weight %v, want %v", w, sideWeight)
	}
	if w := weight(cs[1], stem("directory")); w != expandWeight {
		t.Errorf("folder→directory weight %v", w)
	}
}

func TestLeadSentence(t *testing.T) {
	for in, want := range map[string]string{
		"Create a file. Overwrites it.": "Create a file",
		"Read v1.2 notes\nthen more":    "Read v1.2 notes",
		"no period":                     "no period",
		"  Ends here.":                  "Ends here",
	} {
		if got := leadSentence(in); got != want {
			t.Errorf("leadSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTermsKeepJoinedRuns(t *testing.T) {
	got := terms("Search GitHub with getFileContents on k8s")
	want := []string{stem("search"), "git", "hub", "github", "get", "file", stem("contents"), stem("getfilecontents"), "k", "s", "k8s"}
	if !cmp.Equal(got, want) {
		t.Errorf("terms = %v, want %v", got, want)
	}
}

func TestQueryTermsUseJoinedRunsTheIndexKnows(t *testing.T) {
	known := func(t string) bool { return t == "github" }
	for in, want := range map[string][]string{
		// GitHub is one word in a task, not "git" and "hub".
		"open an issue on GitHub": {"open", stem("issue"), "github"},
		// An identifier the index lacks as a whole counts by its words.
		"call getFileContents": {"call", "get", "file", stem("contents")},
		"add 3 and 4":          {"add", "number", "number"},
	} {
		if got := queryTerms(in, known); !cmp.Equal(got, want) {
			t.Errorf("queryTerms(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestQueryActions(t *testing.T) {
	for _, c := range []struct {
		task string
		want uint64
	}{
		{"delete the folder", actionGroups[stem("delete")]},
		{"which searches are active", readActions | actionGroups[stem("search")]},
		{"the folder of reports", 0},
	} {
		if got := queryActions(c.task, expand(c.task, func(string) bool { return true })); got != c.want {
			t.Errorf("queryActions(%q) = %b, want %b", c.task, got, c.want)
		}
	}
}

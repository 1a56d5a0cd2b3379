package optimizer

import "strings"

// synonymGroups are sets of words that name the same action or object in the
// vocabulary of tool definitions and of the tasks people write. They are
// general software English, not tuned to any one server: a task says "fetch",
// "grab" or "retrieve" where a tool says "get"; "folder" where it says
// "directory". A group's words expand each other at query time (see expand).
var synonymGroups = []string{
	// actions
	"get fetch retrieve obtain read show view display grab pull look inspect see",
	"list enumerate browse all show",
	"create make new add generate build produce open start",
	"delete remove erase destroy drop purge discard trash uninstall",
	"update edit modify change alter patch set rename adjust replace",
	"search find query lookup look locate discover seek filter",
	"write save store put record persist",
	"send post publish message notify tell",
	"reply respond answer",
	"run execute invoke launch trigger perform call",
	"stop kill terminate halt end cancel abort",
	"move relocate transfer rename",
	"copy duplicate clone fork",
	"upload attach",
	"download save",
	"navigate go visit open browse load goto",
	"click press tap push",
	"type enter input fill",
	"screenshot capture snapshot picture image",
	"summarize summary overview",
	"compare diff difference changes",
	"merge combine integrate",
	"scale resize replicas",
	"log logs output console",
	"restart rollout redeploy",
	"deploy install release",
	"scrape crawl extract harvest",
	"think reason reflect plan",
	"translate convert transform",
	"wait pause sleep delay",
	"undo revert reset rollback",
	"count sum total add",
	"evaluate eval javascript script js",
	// objects
	"file document",
	"directory folder dir",
	"repository repo project",
	"pull pr merge request",
	"issue ticket bug problem error",
	"comment note remark",
	"channel room conversation",
	"message chat dm",
	"user member person people account profile",
	"emoji reaction react",
	"thread replies",
	"page website site webpage url link",
	"web internet online",
	"database db sql table",
	"record row entry item",
	"knowledge graph memory",
	"entity entities node",
	"relation relationship link edge connection",
	"observation fact note",
	"pod container workload",
	"cluster kubernetes k8s kubectl",
	"namespace ns",
	"chart helm",
	"location place address",
	"coordinates latitude longitude geocode",
	"route directions travel driving",
	"distance far",
	"altitude elevation height",
	"picture image photo",
	"dialog popup alert modal prompt",
	"keyboard key keystroke",
	"tab window",
	"form field input",
	"dropdown select option",
	"commit revision change",
	"branch ref",
	"tag label version",
	"stash shelve",
	"paper article research academic",
	"library package framework dependency",
	"docs documentation manual reference",
	"listing rental accommodation stay lodging",
	"organization org company team",
	"credit usage quota billing",
	"process program job task",
	"configuration config settings setting preferences",
	"environment env variable",
	"compress zip gzip archive",
	"mouse hover",
	"event events",
	"history past previous recent",
	"feedback review rating",
	"block paragraph content",
	"size bytes",
}

// synonyms maps a stemmed term to the other stemmed terms of its groups.
var synonyms = buildSynonyms(synonymGroups)

func buildSynonyms(groups []string) map[string][]string {
	out := map[string][]string{}
	for _, g := range groups {
		var stems []string
		for _, w := range strings.Fields(g) {
			stems = append(stems, stem(w))
		}
		for _, a := range stems {
			for _, b := range stems {
				if a != b && !contains(out[a], b) {
					out[a] = append(out[a], b)
				}
			}
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// expandWeight is how much a synonym counts against the word the user wrote:
// enough to find a tool that only uses the other word, not so much that it
// outranks a tool using the user's own word.
const expandWeight = 0.35

// queryTerm is one weighted term of an analysed query.
type queryTerm struct {
	term   string
	weight float64
}

// expand analyses a query: its own terms at weight 1, each synonym at
// expandWeight (a term the user wrote twice, or also reached as a synonym,
// keeps its highest weight once).
func expand(text string) []queryTerm {
	weights := map[string]float64{}
	var order []string
	add := func(t string, w float64) {
		old, seen := weights[t]
		if !seen {
			order = append(order, t)
		}
		if w > old {
			weights[t] = w
		}
	}
	own := terms(text)
	for _, t := range own {
		add(t, 1)
	}
	for _, t := range own {
		for _, s := range synonyms[t] {
			add(s, expandWeight)
		}
	}
	out := make([]queryTerm, 0, len(order))
	for _, t := range order {
		out = append(out, queryTerm{term: t, weight: weights[t]})
	}
	return out
}

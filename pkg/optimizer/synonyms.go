package optimizer

import "strings"

// synonymGroups are sets of words that name the same action or object in the
// vocabulary of tool definitions and of the tasks people write. They are
// general software English, not tuned to any one server: a task says "fetch",
// "grab" or "retrieve" where a tool says "get"; "folder" where it says
// "directory". A group's words expand each other at query time (see expand).
var synonymGroups = append(actionSynonyms, objectSynonyms...)

// actionSynonyms are the groups of actions a tool's name says; each is one
// bit of actionGroups.
var actionSynonyms = []string{
	"get fetch retrieve obtain read show view display grab look inspect see",
	"list enumerate browse all show",
	"create make new add generate build produce draw",
	"delete remove erase destroy drop purge discard trash uninstall",
	"update edit modify change alter patch set rename adjust replace",
	"search find query lookup look locate discover seek filter",
	"write save store put record persist",
	"send post publish message notify tell",
	"reply respond answer",
	"run execute invoke launch trigger perform call",
	"stop kill terminate halt end cancel abort close",
	"move relocate transfer rename",
	"copy duplicate clone fork",
	"upload attach push",
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
}

// objectSynonyms are the groups of objects, and general English added after
// reading the misses of the dev part (held-out tasks are not looked at).
var objectSynonyms = []string{
	"file document",
	"directory folder dir",
	"repository repo project",
	"pull pr merge request",
	"issue ticket bug problem error",
	"comment note remark",
	"channel room conversation",
	"message chat dm",
	"user member person people account profile everyone everybody",
	"emoji reaction react",
	"thread replies",
	"page website site webpage url link",
	"web internet online",
	"database db sql table",
	"record row entry item",
	"knowledge graph memory",
	"memory remember recall memorize",
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
	"multiple several many batch bulk",
	"size bytes big large",
	// general English for the same actions
	"delete forget",
	"create remember memorize",
	"close shut",
	"allowed permitted authorized accessible",
	"monitor watch watcher tracker",
	"request call http",
	"review verdict approval",
	"echo repeat parrot",
	"sum plus",
	"status progress state done",
	"contents inside",
	"terminate end quit",
}

// synonyms maps a stemmed term to the other stemmed terms of its groups,
// with their weights.
var synonyms = buildSynonyms(synonymGroups)

// A group's first word is its head, the word tools use most; the other words
// are what people write instead. A word and its head stand for each other at
// expandWeight; two non-head words only at sideWeight, since "make" and "add"
// both mean create, but do not mean each other.
const sideWeight = 0.45

func buildSynonyms(groups []string) map[string][]alternative {
	out := map[string][]alternative{}
	add := func(a, b string, w float64) {
		if a == b {
			return
		}
		for i, x := range out[a] {
			if x.term == b {
				out[a][i].weight = max(x.weight, w)
				return
			}
		}
		out[a] = append(out[a], alternative{term: b, weight: w})
	}
	for _, g := range groups {
		var stems []string
		for _, w := range strings.Fields(g) {
			stems = append(stems, stem(w))
		}
		for i, a := range stems {
			for j, b := range stems {
				w := sideWeight
				if i == 0 || j == 0 {
					w = expandWeight
				}
				add(a, b, w)
			}
		}
	}
	return out
}

// expandWeight is how much a synonym counts against the word the user wrote:
// nearly as much, so a tool that only uses the other word is found, but less,
// so a tool using the user's own word comes first.
const expandWeight = 0.8

// alternative is one term that can satisfy a query word, with its weight.
type alternative struct {
	term   string
	weight float64
}

// concept is one word of the query with the terms that can stand for it.
// A tool scores a concept once, by its best alternative, so a word with many
// synonyms does not outweigh a word with none.
type concept []alternative

// expand analyses a query into concepts: each distinct term of the text, with
// its synonyms at expandWeight.
func expand(text string, known func(string) bool) []concept {
	seen := map[string]bool{}
	var out []concept
	for _, t := range queryTerms(text, known) {
		if seen[t] {
			continue
		}
		seen[t] = true
		c := concept{{term: t, weight: 1}}
		c = append(c, synonyms[t]...)
		out = append(out, c)
	}
	return out
}

// actionGroups maps a stemmed action word to one bit per action group it is
// in (at most 64 groups).
var actionGroups = buildActionGroups(actionSynonyms)

func buildActionGroups(groups []string) map[string]uint64 {
	out := map[string]uint64{}
	for i, g := range groups {
		for _, w := range strings.Fields(g) {
			out[stem(w)] |= 1 << uint(i)
		}
	}
	return out
}

// readActions are the action groups of reading: get, list, search.
var readActions = actionGroups[stem("get")] | actionGroups[stem("list")] | actionGroups[stem("search")]

// questions are the words a question starts with.
var questions = toSet("what which how who whom whose when where why is are was were does do did has have can")

// queryActions are the action groups a task asks for: those of its words,
// and reading when it is a question ("which searches are active" asks to
// list them, not to stop one).
func queryActions(text string, concepts []concept) uint64 {
	var a uint64
	for _, c := range concepts {
		a |= actionGroups[c[0].term]
	}
	if ws := words(text); len(ws) > 0 && questions[ws[0]] {
		a |= readActions
	}
	return a
}

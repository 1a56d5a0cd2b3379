package optimizer

import (
	"strings"
	"unicode"
)

// token is one run of letters and digits in a text: the whole run in lower
// case and its words (more than one when an identifier joins them).
type token struct {
	joined string
	parts  []string
}

// tokens splits text on every rune that is not a letter or digit, and each
// run into words on camelCase and letter/digit boundaries (getHTTPResponse2 →
// get http response 2), so tool names written as snake_case, kebab-case,
// dotted or camelCase all yield the same words.
func tokens(text string) []token {
	var out []token
	rs := []rune(text)
	start, wordStart := -1, -1
	var parts []string
	flushWord := func(end int) {
		if wordStart >= 0 && end > wordStart {
			parts = append(parts, strings.ToLower(string(rs[wordStart:end])))
		}
		wordStart = -1
	}
	flush := func(end int) {
		flushWord(end)
		if start >= 0 && end > start {
			out = append(out, token{joined: strings.ToLower(string(rs[start:end])), parts: parts})
		}
		start, parts = -1, nil
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start, wordStart = i, i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsLower(prev) && unicode.IsUpper(r):
			flushWord(i)
			wordStart = i
		case unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			// HTTPResponse: the last capital starts the next word.
			flushWord(i)
			wordStart = i
		case unicode.IsDigit(prev) != unicode.IsDigit(r):
			flushWord(i)
			wordStart = i
		}
	}
	flush(len(rs))
	return out
}

// words is the words of text in order (see tokens).
func words(text string) []string {
	var out []string
	for _, t := range tokens(text) {
		out = append(out, t.parts...)
	}
	return out
}

// term is the index term of one word, or "" for a word that carries nothing.
func term(w string) string {
	if stopWords[w] || isNumber(w) {
		// Numbers in a task are its arguments (issue 17, 5 replicas),
		// never what tells one tool from another.
		return ""
	}
	return stem(w)
}

// terms turns text into index terms: its words without stop words, stemmed,
// and for a run that joins several words (GitHub, getFileContents, k8s) the
// whole run as well, so a task that writes it as one word finds it.
func terms(text string) []string {
	var out []string
	for _, tk := range tokens(text) {
		for _, w := range tk.parts {
			if t := term(w); t != "" {
				out = append(out, t)
			}
		}
		if len(tk.parts) > 1 {
			if t := term(tk.joined); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// queryTerms turns a task into terms: like terms, but a run that joins
// several words counts once, as the whole run when the index knows it (a
// task's "GitHub" is one word, not "git" and "hub"), else as its words; and a
// number is the word "number".
func queryTerms(text string, known func(string) bool) []string {
	var out []string
	for _, tk := range tokens(text) {
		if isNumber(tk.joined) {
			// A task's number is an argument: it says only that the tool
			// takes a number ("add 3 and 4", "issue 17").
			out = append(out, "number")
			continue
		}
		if len(tk.parts) > 1 {
			if t := term(tk.joined); t != "" && known(t) {
				out = append(out, t)
				continue
			}
		}
		for _, w := range tk.parts {
			if t := term(w); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// stem reduces an English word to a stem by stripping common inflections.
// It is deliberately small: it must map the forms a task description uses
// (creating, created, creates, creation) onto the form a tool uses (create),
// and both sides of the index go through it, so an ugly stem is harmless as
// long as it is the same one.
func stem(w string) string {
	if len(w) <= 3 || !isAlpha(w) {
		return w
	}
	if s, ok := irregular[w]; ok {
		w = s // and on through the rules, so "wrote" ends where "write" does
	}
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s") && len(w) > 3:
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ations") || strings.HasSuffix(w, "ation") && len(w) > 6:
		w = strings.TrimSuffix(strings.TrimSuffix(w, "s"), "ion")
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ed") && len(w) > 4 && !strings.HasSuffix(w, "eed"):
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "ly") && len(w) > 5:
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "er") && len(w) > 6:
		// reviewer → review, uploader → upload (short words such as user,
		// order and folder keep their ending)
		w = undouble(w[:len(w)-2])
	}
	if strings.HasSuffix(w, "e") && len(w) > 4 {
		w = w[:len(w)-1]
	}
	if strings.HasSuffix(w, "y") && len(w) > 4 {
		// query/queries/queried all end in "query" or "queri": make them one.
		w = w[:len(w)-1] + "i"
	}
	return w
}

// undouble drops a doubled final consonant left by a stripped suffix
// (stopped → stopp → stop), except for l, s and z, which English keeps doubled
// in the base form (install, pass, buzz).
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeioulsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

func isAlpha(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// irregular maps forms the suffix rules cannot reach onto a regular form.
var irregular = map[string]string{
	"wrote": "write", "written": "write", "writing": "write", "writes": "write",
	"ran": "run", "running": "run", "runs": "run",
	"sent": "send", "sending": "send",
	"made": "make", "making": "make",
	"took": "take", "taken": "take", "taking": "take",
	"gotten": "get", "got": "get", "getting": "get",
	"found": "find", "finding": "find",
	"children": "child", "data": "data", "media": "media",
	"indices": "index", "indexes": "index",
	"status": "status", "statuses": "status",
	"address": "address", "addresses": "address",
	"alias": "alias", "aliases": "alias",
	"images": "image", "imaging": "image",
	"using": "use", "used": "use", "uses": "use",
}

// stopWords are words that carry no meaning for tool choice. Tasks are
// written as requests ("I want to ..., please"), so the request phrasing is
// here as well as the usual function words.
var stopWords = toSet(`a an the to of for in on at by with from into onto about as and or but if then
than so such this that these those there here it its it's is are was were be been being am do does did
done have has had having i me my mine we us our you your he she they them their his her what which who
whom whose when where why how can could would should will shall may might must want wants need needs
please some any each every also just only very really via using use within without up out over
under again let lets like me tell give one thing things something stuff
called named currently right now
another other others same own more most few both either neither nor not no yet still already ever even too
because until while against between through during before after above below down off further once doing
myself ourselves yourself yourselves themselves itself himself herself hers ours yours theirs`)

func toSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

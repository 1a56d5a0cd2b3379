// Package optimizer is the tool search engine behind find_tool: an in-memory
// index over tool definitions that ranks them for a natural-language task.
//
// The keyword arm is BM25F: each tool is split into fields (its name, split on
// _ - . and camelCase; its description; its parameters' names and descriptions),
// each field weighted and length-normalised on its own, so a word in a tool's
// name counts more than the same word deep in a parameter description. Terms
// are lower-cased, stop words dropped and reduced by a small suffix stemmer; a
// run that joins words (GitHub, k8s) is indexed whole as well as split, and a
// task's such run counts whole. The query is expanded with synonyms
// (fetch→get, remove→delete, folder→directory, ...) at a reduced weight, so a
// task written in other words than the tool's still matches.
//
// Two gates follow what a task names: the server (scored by the rarity of its
// name among servers, not among tools, and lowering the other servers' tools
// when a task names one), and the action (a tool whose name says create, get,
// delete, ... loses a little when the task asks for other actions only; a
// question asks to read).
//
// The optional semantic arm embeds each tool once (vectors are cached by a hash
// of the embedded text, so unchanged tools are never re-embedded) and the query
// on each search; the two arms are mixed by a ratio, and semantic candidates
// further than a cosine distance threshold are dropped. When the embedder fails
// the keyword arm still answers and the result says the semantic arm was off.
//
// The index is built per server: SetServer replaces one server's tools and
// re-analyses only those; searches read an immutable snapshot, so they never
// block on an update.
package optimizer

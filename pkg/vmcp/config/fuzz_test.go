package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no document makes parsing, defaulting or validation panic,
// and that a document accepted once is accepted again after defaulting (idempotence).
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "original.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("backends: [{name: a, url: 'http://127.0.0.1:1/mcp'}]"))
	f.Add([]byte(`{"groupRef":"g","aggregation":{"conflictResolution":"priority"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			return
		}
		c.Normalize()
		if err := c.Validate(); err != nil {
			t.Fatalf("valid config became invalid after re-defaulting: %v", err)
		}
	})
}

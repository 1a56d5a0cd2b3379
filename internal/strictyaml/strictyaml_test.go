package strictyaml

import (
	"strings"
	"testing"
)

type doc struct {
	Name  string `json:"name"`
	Inner struct {
		Port int `json:"port"`
	} `json:"inner"`
}

func TestUnmarshal(t *testing.T) {
	tests := map[string]struct {
		in      string
		wantErr []string
	}{
		"valid yaml":     {in: "name: a\ninner: {port: 1}"},
		"valid json":     {in: `{"name":"a","inner":{"port":1}}`},
		"unknown key":    {in: "name: a\nnmae: b", wantErr: []string{`unknown field "nmae"`}},
		"wrong case":     {in: "Name: a", wantErr: []string{`unknown field "Name"`}},
		"nested unknown": {in: "inner: {prot: 1}", wantErr: []string{`unknown field "inner.prot"`}},
		"every problem":  {in: "Name: a\ninner: {prot: 1}", wantErr: []string{`"Name"`, `"inner.prot"`}},
		"wrong type":     {in: "name: [1]", wantErr: []string{"name"}},
		"not yaml":       {in: "name: [", wantErr: []string{"yaml"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var d doc
			err := Unmarshal([]byte(tc.in), &d)
			if len(tc.wantErr) == 0 {
				if err != nil || d.Name != "a" || d.Inner.Port != 1 {
					t.Fatalf("got %+v, %v", d, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error containing %q, got none", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

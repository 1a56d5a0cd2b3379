package toolview

import (
	"strings"
	"testing"
)

func TestView(t *testing.T) {
	type shown struct {
		name, desc string
		ok         bool
	}
	type called struct {
		orig string
		ok   bool
	}
	tests := map[string]struct {
		filter   []string
		override map[string]Override
		show     map[string]shown  // original name -> how it is listed
		call     map[string]called // called name -> original
	}{
		"nothing configured": {
			show: map[string]shown{"echo": {"echo", "d", true}},
			call: map[string]called{"echo": {"echo", true}},
		},
		"filter": {
			filter: []string{"echo"},
			show:   map[string]shown{"echo": {"echo", "d", true}, "add": {ok: false}},
			call:   map[string]called{"echo": {"echo", true}, "add": {"add", false}},
		},
		"rename and describe": {
			override: map[string]Override{"echo": {Name: "say", Description: "Say it"}},
			show:     map[string]shown{"echo": {"say", "Say it", true}, "add": {"add", "d", true}},
			call:     map[string]called{"say": {"echo", true}, "echo": {"", false}, "add": {"add", true}},
		},
		"describe only": {
			override: map[string]Override{"echo": {Description: "Better"}},
			show:     map[string]shown{"echo": {"echo", "Better", true}},
			call:     map[string]called{"echo": {"echo", true}},
		},
		"filter by original name of a renamed tool": {
			filter:   []string{"echo"},
			override: map[string]Override{"echo": {Name: "say"}},
			show:     map[string]shown{"echo": {"say", "d", true}, "add": {ok: false}},
			call:     map[string]called{"say": {"echo", true}, "add": {"add", false}},
		},
		"filter by new name of a renamed tool": {
			filter:   []string{"say"},
			override: map[string]Override{"echo": {Name: "say"}},
			show:     map[string]shown{"echo": {"say", "d", true}, "add": {ok: false}},
			call:     map[string]called{"say": {"echo", true}},
		},
		"rename onto an existing tool shadows it": {
			override: map[string]Override{"echo": {Name: "add"}},
			show:     map[string]shown{"echo": {"add", "d", true}, "add": {ok: false}},
			call:     map[string]called{"add": {"echo", true}, "echo": {"", false}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v, err := New(tc.filter, tc.override)
			if err != nil {
				t.Fatal(err)
			}
			for orig, want := range tc.show {
				n, d, ok := v.Show(orig, "d")
				if got := (shown{n, d, ok}); got != want {
					t.Errorf("Show(%s) = %+v, want %+v", orig, got, want)
				}
			}
			for c, want := range tc.call {
				o, ok := v.Original(c)
				if ok != want.ok || (ok && o != want.orig) {
					t.Errorf("Original(%s) = %q %v, want %q %v", c, o, ok, want.orig, want.ok)
				}
			}
		})
	}
}

func TestNewRejectsCollidingRenames(t *testing.T) {
	_, err := New(nil, map[string]Override{"a": {Name: "x"}, "b": {Name: "x"}})
	if err == nil || !strings.Contains(err.Error(), `a and b are both renamed to "x"`) {
		t.Fatalf("got %v", err)
	}
}

func TestActive(t *testing.T) {
	var nilView *View
	empty, _ := New(nil, nil)
	filtered, _ := New([]string{"a"}, nil)
	for name, tc := range map[string]struct {
		v    *View
		want bool
	}{"nil": {nilView, false}, "empty": {empty, false}, "filtered": {filtered, true}} {
		if got := tc.v.Active(); got != tc.want {
			t.Errorf("%s: Active = %v", name, got)
		}
	}
}

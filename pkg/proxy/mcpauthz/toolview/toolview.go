// Package toolview is the tool surface an MCPToolConfig defines for one server:
// an allow-list (toolsFilter) and renames/re-descriptions (toolsOverride). It
// decides, as pure functions, how a listed tool is shown and which original tool
// a call by its shown name goes to; pkg/proxy/mcpauthz applies it to traffic.
package toolview

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Override renames or re-describes one tool ("" keeps the original).
type Override struct {
	Name        string
	Description string
}

// View is a validated filter and override set. The zero View and nil show every
// tool unchanged.
type View struct {
	allow    map[string]bool // nil = every tool
	override map[string]Override
	original map[string]string // shown name -> original name, for renamed tools
}

// New validates filter (tool names, original or renamed; empty = all) and
// override (keyed by original name). Two tools may not end up with one name.
func New(filter []string, override map[string]Override) (*View, error) {
	v := &View{override: override, original: map[string]string{}}
	if len(filter) > 0 {
		v.allow = map[string]bool{}
		for _, n := range filter {
			v.allow[n] = true
		}
	}
	var errs []string
	for orig, o := range override {
		if o.Name == "" || o.Name == orig {
			continue
		}
		if prev, dup := v.original[o.Name]; dup {
			a, b := sortPair(prev, orig)
			errs = append(errs, fmt.Sprintf("toolsOverride: %s and %s are both renamed to %q", a, b, o.Name))
			continue
		}
		v.original[o.Name] = orig
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return v, nil
}

func sortPair(a, b string) (string, string) {
	if a > b {
		return b, a
	}
	return a, b
}

// Active says whether the view changes anything.
func (v *View) Active() bool {
	return v != nil && (v.allow != nil || len(v.override) > 0)
}

// Show returns how the server's tool named orig is listed: its shown name and
// description (desc is the server's), or ok=false when the filter hides it.
func (v *View) Show(orig, desc string) (name, description string, ok bool) {
	name, description = orig, desc
	if v == nil {
		return name, description, true
	}
	if o, has := v.override[orig]; has {
		if o.Name != "" {
			name = o.Name
		}
		if o.Description != "" {
			description = o.Description
		}
	}
	if v.allow != nil && !v.allow[orig] && !v.allow[name] {
		return "", "", false
	}
	// A server tool whose name another tool was renamed to is shadowed.
	if other, renamed := v.original[orig]; renamed && other != orig && name == orig {
		return "", "", false
	}
	return name, description, true
}

// Original maps a called name back to the server's tool; ok is false when the
// client could not have seen that name (filtered out, or renamed away).
func (v *View) Original(called string) (string, bool) {
	if v == nil {
		return called, true
	}
	orig := called
	if o, renamed := v.original[called]; renamed {
		orig = o
	} else if ov, has := v.override[called]; has && ov.Name != "" && ov.Name != called {
		return "", false // its shown name is ov.Name
	}
	_, _, ok := v.Show(orig, "")
	return orig, ok
}

package convert

import (
	"fmt"
	"sort"
	"strings"
)

// NoteKind classifies a note by what it means for the converted manifests.
type NoteKind string

// Note kinds. Dropped and Changed lose or alter meaning (Strict refuses them);
// Flagged needs the user's attention; Info only explains.
const (
	// Dropped: the key's meaning is not in the output.
	Dropped NoteKind = "dropped"
	// Changed: the key's meaning is in the output, but altered.
	Changed NoteKind = "changed"
	// Flagged: carried over as is, but the user should look at it (e.g. a value in clear text).
	Flagged NoteKind = "flagged"
	// Info: nothing is lost (CLI-only or derived keys, a mapping worth knowing).
	Info NoteKind = "info"
)

// Note is one line of the report: which input field, what happened, and why.
type Note struct {
	Kind   NoteKind
	Field  string
	Reason string
}

func (n Note) String() string { return fmt.Sprintf("%s: %s: %s", n.Kind, n.Field, n.Reason) }

// Report is what a conversion tells the user besides the manifests.
type Report struct {
	// Notes in the order they were found.
	Notes []Note
	// Commands the user must run (e.g. `kubectl create secret`), without secret values.
	Commands []string
}

func (r *Report) add(kind NoteKind, field, format string, args ...any) {
	r.Notes = append(r.Notes, Note{Kind: kind, Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (r *Report) dropped(field, format string, args ...any) { r.add(Dropped, field, format, args...) }
func (r *Report) changed(field, format string, args ...any) { r.add(Changed, field, format, args...) }
func (r *Report) flagged(field, format string, args ...any) { r.add(Flagged, field, format, args...) }
func (r *Report) info(field, format string, args ...any)    { r.add(Info, field, format, args...) }

func (r *Report) command(c string) {
	for _, have := range r.Commands {
		if have == c {
			return
		}
	}
	r.Commands = append(r.Commands, c)
}

// Lossy returns the notes Strict refuses: dropped and changed fields.
func (r *Report) Lossy() []Note {
	var out []Note
	for _, n := range r.Notes {
		if n.Kind == Dropped || n.Kind == Changed {
			out = append(out, n)
		}
	}
	return out
}

// Has reports whether a note of kind about field exists (field matches exactly).
func (r *Report) Has(kind NoteKind, field string) bool {
	for _, n := range r.Notes {
		if n.Kind == kind && n.Field == field {
			return true
		}
	}
	return false
}

// StrictError is returned under Options.Strict when fields would be dropped or changed.
type StrictError struct{ Notes []Note }

func (e *StrictError) Error() string {
	lines := make([]string, 0, len(e.Notes))
	for _, n := range e.Notes {
		lines = append(lines, "  "+n.String())
	}
	sort.Strings(lines)
	return fmt.Sprintf("--strict: %d field(s) would be dropped or changed:\n%s", len(e.Notes), strings.Join(lines, "\n"))
}

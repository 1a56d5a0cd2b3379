package toolreport

import (
	"slices"
	"sort"
)

// Normalize returns names sorted, without duplicates or empty names, and never
// nil (an empty list is still a list to report).
func Normalize(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// NeedsApply says whether discovered (normalized) must be written, given what
// the object's status.tools holds now (known=false when it has not been read
// yet, e.g. after a failed read, in which case writing is the safe choice).
func NeedsApply(current []string, known bool, discovered []string) bool {
	if !known {
		return true
	}
	// An absent field and an empty list both mean "no tools": no write.
	return !slices.Equal(Normalize(current), discovered)
}

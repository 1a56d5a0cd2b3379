package convert

import (
	"regexp"
	"strings"
)

// SanitizeName applies the original converter's name rule: lower-case, every
// character outside [a-z0-9-] becomes one hyphen (runs are not collapsed), leading
// and trailing hyphens are trimmed, the result is cut to 253 bytes and trimmed again.
func SanitizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 253 {
		out = out[:253]
	}
	return strings.TrimRight(out, "-")
}

var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// childName derives the name of an object generated for parent (e.g. its
// MCPToolConfig), keeping it within 253 characters.
func childName(parent, suffix string) string {
	if len(parent)+len(suffix)+1 > 253 {
		parent = strings.TrimRight(parent[:253-len(suffix)-1], "-")
	}
	return parent + "-" + suffix
}

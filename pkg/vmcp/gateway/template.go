package gateway

import "strings"

// templateMatches reports whether uri could be produced by an RFC 6570 URI
// template, treating every {expression} as matching any text. It only routes
// subscriptions; reads are matched by the SDK.
func templateMatches(tmpl, uri string) bool {
	var parts []string
	for {
		i := strings.Index(tmpl, "{")
		if i < 0 {
			parts = append(parts, tmpl)
			break
		}
		j := strings.Index(tmpl[i:], "}")
		if j < 0 {
			return false
		}
		parts = append(parts, tmpl[:i])
		tmpl = tmpl[i+j+1:]
	}
	if !strings.HasPrefix(uri, parts[0]) {
		return false
	}
	uri = uri[len(parts[0]):]
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		if last {
			return strings.HasSuffix(uri, p)
		}
		k := strings.Index(uri, p)
		if k < 0 {
			return false
		}
		uri = uri[k+len(p):]
	}
	return true
}

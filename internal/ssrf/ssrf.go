package ssrf

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// Policy is what the caller allows beyond public endpoints.
type Policy struct {
	// AllowPrivate admits RFC 1918 / RFC 6598 / ULA addresses and in-cluster names
	// (the resource's allowPrivateEndpoint).
	AllowPrivate bool
	// AllowLoopback admits loopback addresses and localhost (operator flag
	// --allow-loopback-endpoints; development and tests only).
	AllowLoopback bool
}

// Reasons returned in Error.Reason; they double as condition reasons.
const (
	ReasonInvalidURL = "InvalidURL"
	ReasonBlocked    = "BlockedEndpoint"
	ReasonPrivate    = "PrivateEndpointNotAllowed"
)

// Error says why a URL was refused and what to do about it.
type Error struct {
	// Reason is one of the Reason constants.
	Reason string
	// Message is a sentence for the user, naming the host and the fix.
	Message string
}

func (e *Error) Error() string { return e.Message }

// class is what kind of endpoint a host is.
type class int

const (
	public class = iota
	private
	loopback
	blocked
)

var (
	metadataAddrs = []netip.Addr{
		netip.MustParseAddr("169.254.169.254"),
		netip.MustParseAddr("fd00:ec2::254"),
		netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud metadata
	}
	privatePrefixes = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
		netip.MustParsePrefix("100.64.0.0/10"),
		netip.MustParsePrefix("fc00::/7"),
	}
	// Names that always reach the cloud metadata service or the cluster's API.
	blockedNames = []string{"metadata.google.internal", "metadata", "kubernetes", "instance-data", "instance-data.ec2.internal"}
)

// Check parses raw and returns nil when it may be used under p, or an *Error.
func Check(raw string, p Policy) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return &Error{ReasonInvalidURL, fmt.Sprintf("remoteUrl %q is not a valid URL: %v", raw, err)}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return &Error{ReasonInvalidURL, fmt.Sprintf("remoteUrl %q must start with http:// or https://", raw)}
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "" {
		return &Error{ReasonInvalidURL, fmt.Sprintf("remoteUrl %q has no host", raw)}
	}
	c, why := classify(host)
	switch {
	case c == blocked:
		return &Error{ReasonBlocked, fmt.Sprintf("remoteUrl host %q is %s, which is always refused; use the server's public address", host, why)}
	case c == loopback && !p.AllowLoopback:
		return &Error{ReasonBlocked, fmt.Sprintf("remoteUrl host %q is %s, which is refused; use an address reachable from the cluster", host, why)}
	case c == private && !p.AllowPrivate:
		return &Error{ReasonPrivate, fmt.Sprintf("remoteUrl host %q is %s; set spec.allowPrivateEndpoint: true if this is intended", host, why)}
	}
	return nil
}

// classify returns the class of a lower-case host without resolving it, and a phrase
// describing it for messages.
func classify(host string) (class, string) {
	if a, err := netip.ParseAddr(host); err == nil {
		return classifyAddr(a.Unmap().WithZone(""))
	}
	switch {
	case host == "localhost" || strings.HasSuffix(host, ".localhost"):
		return loopback, "a loopback name"
	case isBlockedName(host):
		return blocked, "a cloud metadata or Kubernetes API name"
	case looksNumeric(host):
		// Forms like 2130706433 or 0x7f.1 are IPs to some resolvers: refuse rather than guess.
		return blocked, "a numeric host that is not a dotted-decimal IP"
	case strings.HasSuffix(host, ".cluster.local") || strings.HasSuffix(host, ".svc") || !strings.Contains(host, "."):
		// Single-label names resolve through the cluster's search path.
		return private, "an in-cluster name"
	}
	return public, ""
}

func classifyAddr(a netip.Addr) (class, string) {
	for _, m := range metadataAddrs {
		if a == m {
			return blocked, "a cloud metadata address"
		}
	}
	switch {
	case a.IsLoopback():
		return loopback, "a loopback address"
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return blocked, "a link-local address"
	case a.IsUnspecified():
		return blocked, "the unspecified address"
	case a.IsMulticast():
		return blocked, "a multicast address"
	}
	for _, pfx := range privatePrefixes {
		if pfx.Contains(a) {
			return private, "a private address"
		}
	}
	return public, ""
}

func isBlockedName(host string) bool {
	if host == "kubernetes.default" || strings.HasPrefix(host, "kubernetes.default.") {
		return true
	}
	for _, n := range blockedNames {
		if host == n {
			return true
		}
	}
	return false
}

// looksNumeric reports whether every label is digits or 0x-hex, i.e. a non-canonical IP form.
func looksNumeric(host string) bool {
	for _, label := range strings.Split(host, ".") {
		l := strings.TrimPrefix(label, "0x")
		if l == "" {
			return false
		}
		for _, r := range l {
			isHex := (r >= '0' && r <= '9') || (label != l && r >= 'a' && r <= 'f')
			if !isHex {
				return false
			}
		}
	}
	return true
}

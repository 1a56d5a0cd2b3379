package ssrf

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/idna"
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
	if u.Hostname() == "" {
		return &Error{ReasonInvalidURL, fmt.Sprintf("remoteUrl %q has no host", raw)}
	}
	host, err := NormalizeHost(u.Hostname())
	if err != nil {
		return &Error{ReasonInvalidURL, fmt.Sprintf("remoteUrl %q: host %q is not a valid host name: %v", raw, u.Hostname(), err)}
	}
	c, why := classify(host)
	return refusal(host, c, why, p)
}

// refusal maps a host's class to the Error that policy p gives it (nil = allowed).
func refusal(host string, c class, why string, p Policy) error {
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

// NormalizeHost returns host as the HTTP client will connect to it: Go's transport
// converts a non-ASCII host with IDNA's lookup profile, which maps fullwidth digits and
// ideographic full stops to ASCII (１２７。０。０。１ becomes 127.0.0.1), so the check
// must see that same form. The result is lower case, without a trailing dot.
func NormalizeHost(host string) (string, error) {
	h := host
	if !isASCII(h) {
		a, err := idna.Lookup.ToASCII(h)
		if err != nil {
			return "", err
		}
		h = a
	}
	return strings.TrimSuffix(strings.ToLower(h), "."), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Resolver looks host names up; *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ResolveTimeout bounds the name lookup CheckResolved does.
const ResolveTimeout = 3 * time.Second

// CheckResolved is Check followed by a lookup of the host name: every address the name
// resolves to must be admitted by p too. A name that does not resolve from here is not
// refused (the operator may not see the resolver the workload uses); the connect-time
// guard (Dialer) checks the address actually dialled in any case.
func CheckResolved(ctx context.Context, raw string, p Policy, r Resolver) error {
	if err := Check(raw, p); err != nil {
		return err
	}
	u, _ := url.Parse(strings.TrimSpace(raw))
	host, _ := NormalizeHost(u.Hostname())
	if _, err := netip.ParseAddr(host); err == nil || r == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, ResolveTimeout)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		c, why := classifyAddr(a.Unmap().WithZone(""))
		if err := refusal(host, c, fmt.Sprintf("a name that resolves to %s (%s)", a, why), p); err != nil {
			return err
		}
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
	if v4, ok := embeddedIPv4(a); ok {
		c, why := classifyAddr(v4)
		if c == public {
			return public, ""
		}
		return c, fmt.Sprintf("an IPv6 form of %s, %s", v4, why)
	}
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

var (
	// Prefixes whose low 32 bits are an IPv4 address a translator or tunnel connects to.
	nat64Prefixes = []netip.Prefix{
		netip.MustParsePrefix("64:ff9b::/96"),   // RFC 6052 well-known NAT64
		netip.MustParsePrefix("64:ff9b:1::/48"), // RFC 8215 local-use NAT64
		netip.MustParsePrefix("::/96"),          // deprecated IPv4-compatible form
	}
	sixToFour = netip.MustParsePrefix("2002::/16") // RFC 3056: IPv4 in bits 16..47
)

// embeddedIPv4 returns the IPv4 address an IPv6 address reaches through NAT64, the
// IPv4-compatible form or 6to4, so ::ffff-style tricks cannot hide a refused address.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() {
		return netip.Addr{}, false
	}
	b := a.As16()
	for _, p := range nat64Prefixes {
		if p.Contains(a) && !(p.Bits() == 96 && a.IsUnspecified()) && !a.IsLoopback() {
			return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
		}
	}
	if sixToFour.Contains(a) {
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return netip.Addr{}, false
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

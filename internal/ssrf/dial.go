package ssrf

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"time"
)

// EnvAllowLoopback names the environment variable that lets a workload dial loopback
// addresses ("true"); the operator sets it from --allow-loopback-endpoints.
const EnvAllowLoopback = "TOOLHIVE_ALLOW_LOOPBACK_ENDPOINTS"

// DialPolicyFromEnv is the connect-time policy of vmcp and the proxy runner. Private
// addresses are admitted (in-cluster backends live there; whether a remote URL may be
// private was decided by the operator's check). Loopback is admitted outside a cluster
// (local use: the CLI, the demo, tests) and inside one only when EnvAllowLoopback is true,
// because inside a pod it reaches the process itself and its sidecars.
func DialPolicyFromEnv() Policy {
	allow, _ := strconv.ParseBool(os.Getenv(EnvAllowLoopback))
	return Policy{AllowPrivate: true, AllowLoopback: allow || os.Getenv("KUBERNETES_SERVICE_HOST") == ""}
}

// Dialer returns a dialer that refuses, after name resolution and just before each
// connect, every address that p does not admit. Because the check sees the address the
// socket connects to, a name re-resolved to a metadata or loopback address between the
// operator's check and the connection (DNS rebinding) is refused too.
func Dialer(p Policy) *net.Dialer {
	return &net.Dialer{
		Timeout:   30 * time.Second,
		KeepAlive: 30 * time.Second,
		Control:   controlFunc(p),
	}
}

// EnvDialer is Dialer with the policy of DialPolicyFromEnv, read at each connect (so a
// process-wide transport built at start follows the environment it runs in).
func EnvDialer() *net.Dialer {
	d := Dialer(Policy{})
	d.Control = func(network, address string, c syscall.RawConn) error {
		return controlFunc(DialPolicyFromEnv())(network, address, c)
	}
	return d
}

// GuardedDialContext is Dialer(p).DialContext with names resolved by r (nil = the
// system resolver); tests pass a resolver they control.
func GuardedDialContext(p Policy, r Resolver) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := Dialer(p)
	if r == nil {
		return d.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		if _, err := netip.ParseAddr(host); err == nil {
			return d.DialContext(ctx, network, addr)
		}
		ips, err := r.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("dial %s: resolve %s: %w", addr, host, err)
		}
		var last error = fmt.Errorf("dial %s: %s resolves to no address", addr, host)
		for _, ip := range ips {
			c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return c, nil
			}
			last = err
		}
		return nil, last
	}
}

// RefusedError is returned by a guarded dial to an address the policy refuses.
type RefusedError struct {
	// Addr is the address that was about to be dialled.
	Addr string
	// Why describes the address class.
	Why string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("connection to %s refused by the SSRF guard: %s", e.Addr, e.Why)
}

func controlFunc(p Policy) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &RefusedError{Addr: address, Why: "not an IP address"}
		}
		a := ap.Addr().Unmap().WithZone("")
		c, why := classifyAddr(a)
		if refusal(a.String(), c, why, p) != nil {
			return &RefusedError{Addr: address, Why: why}
		}
		return nil
	}
}

package ssrf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// fakeResolver answers from a table the test controls; each name may change its answer
// after the first lookup (DNS rebinding).
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	calls   map[string]int
}

func newFakeResolver(answers map[string][]string) *fakeResolver {
	r := &fakeResolver{answers: map[string][][]netip.Addr{}, calls: map[string]int{}}
	for name, seq := range answers {
		for _, a := range seq {
			r.answers[name] = append(r.answers[name], []netip.Addr{netip.MustParseAddr(a)})
		}
	}
	return r
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seq, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(r.calls[host], len(seq)-1)
	r.calls[host]++
	return seq[i], nil
}

func TestCheckResolved(t *testing.T) {
	r := newFakeResolver(map[string][]string{
		"loop.example":    {"127.0.0.1"},
		"meta.example":    {"169.254.169.254"},
		"nat64.example":   {"64:ff9b::a9fe:a9fe"},
		"private.example": {"10.0.0.7"},
		"public.example":  {"8.8.8.8"},
		"ｌｏｏｐ.example":    {"9.9.9.9"}, // never asked: the name is looked up in its ASCII form
	})
	tests := map[string]struct {
		url        string
		policy     Policy
		wantReason string
	}{
		"resolves to loopback":               {url: "http://loop.example:8080/mcp", wantReason: ReasonBlocked},
		"fullwidth resolves loopback":        {url: "http://ｌｏｏｐ.example/mcp", wantReason: ReasonBlocked},
		"resolves to metadata":               {url: "http://meta.example/", policy: Policy{AllowPrivate: true, AllowLoopback: true}, wantReason: ReasonBlocked},
		"resolves to nat64 metadata":         {url: "http://nat64.example/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"resolves to private":                {url: "https://private.example/", wantReason: ReasonPrivate},
		"private allowed":                    {url: "https://private.example/", policy: Policy{AllowPrivate: true}},
		"public":                             {url: "https://public.example/"},
		"unresolvable is left to the dialer": {url: "https://nowhere.example/"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckResolved(context.Background(), tc.url, tc.policy, r)
			if tc.wantReason == "" {
				if err != nil {
					t.Fatalf("CheckResolved(%q) = %v, want allowed", tc.url, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Reason != tc.wantReason {
				t.Fatalf("CheckResolved(%q) = %v, want reason %s", tc.url, err, tc.wantReason)
			}
			if !strings.Contains(e.Message, "resolves to") && tc.url != "http://ｌｏｏｐ.example/mcp" {
				t.Fatalf("message %q does not say what the name resolves to", e.Message)
			}
		})
	}
}

// TestGuardedDial drives a real http.Client through the guarded dialer to a real server
// on 127.0.0.1, with names resolved by a resolver the test controls.
func TestGuardedDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "reached") }))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	port := u.Port()
	r := newFakeResolver(map[string][]string{
		"rebind.example": {"10.0.0.1", "127.0.0.1"},
		"local.example":  {"127.0.0.1"},
	})
	get := func(p Policy, target string) (string, error) {
		tr := &http.Transport{DialContext: GuardedDialContext(p, r), DisableKeepAlives: true}
		resp, err := (&http.Client{Transport: tr}).Get(target)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	refused := func(t *testing.T, err error) {
		t.Helper()
		var re *RefusedError
		if !errors.As(err, &re) {
			t.Fatalf("err = %v, want a RefusedError", err)
		}
	}
	t.Run("loopback allowed reaches the server", func(t *testing.T) {
		body, err := get(Policy{AllowLoopback: true}, fmt.Sprintf("http://local.example:%s/", port))
		if err != nil || body != "reached" {
			t.Fatalf("body %q err %v", body, err)
		}
	})
	t.Run("name resolving to loopback is refused at connect", func(t *testing.T) {
		_, err := get(Policy{AllowPrivate: true}, fmt.Sprintf("http://local.example:%s/", port))
		refused(t, err)
	})
	t.Run("fullwidth literal is refused at connect", func(t *testing.T) {
		_, err := get(Policy{AllowPrivate: true}, fmt.Sprintf("http://１２７.０.０.１:%s/", port))
		refused(t, err)
	})
	t.Run("ideographic full stop literal is refused at connect", func(t *testing.T) {
		_, err := get(Policy{AllowPrivate: true}, fmt.Sprintf("http://127。0。0。1:%s/", port))
		refused(t, err)
	})
	t.Run("rebinding: second lookup to loopback is refused", func(t *testing.T) {
		// The check sees a private address (admitted); the dial sees loopback.
		if err := CheckResolved(context.Background(), "http://rebind.example/", Policy{AllowPrivate: true}, r); err != nil {
			t.Fatalf("check: %v", err)
		}
		_, err := get(Policy{AllowPrivate: true}, fmt.Sprintf("http://rebind.example:%s/", port))
		refused(t, err)
	})
	t.Run("system resolver path refuses metadata literal", func(t *testing.T) {
		tr := &http.Transport{DialContext: Dialer(Policy{AllowPrivate: true, AllowLoopback: true}).DialContext}
		_, err := (&http.Client{Transport: tr}).Get("http://[64:ff9b::a9fe:a9fe]:80/")
		refused(t, err)
	})
}

func TestDialPolicyFromEnv(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
	t.Setenv(EnvAllowLoopback, "")
	if p := DialPolicyFromEnv(); p.AllowLoopback || !p.AllowPrivate {
		t.Fatalf("in cluster: %+v, want private only", p)
	}
	t.Setenv(EnvAllowLoopback, "true")
	if p := DialPolicyFromEnv(); !p.AllowLoopback {
		t.Fatalf("flag set: %+v, want loopback", p)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	t.Setenv(EnvAllowLoopback, "")
	if p := DialPolicyFromEnv(); !p.AllowLoopback {
		t.Fatalf("outside a cluster: %+v, want loopback", p)
	}
}

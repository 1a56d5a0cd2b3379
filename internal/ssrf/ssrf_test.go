package ssrf

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := map[string]struct {
		url        string
		policy     Policy
		wantReason string // "" = allowed
		wantInMsg  string
	}{
		"public https":               {url: "https://mcp.context7.com/mcp"},
		"public ip":                  {url: "http://8.8.8.8:8080/mcp"},
		"not http":                   {url: "ftp://example.com", wantReason: ReasonInvalidURL, wantInMsg: "http://"},
		"no host":                    {url: "http:///mcp", wantReason: ReasonInvalidURL, wantInMsg: "no host"},
		"garbage":                    {url: "http://[::1", wantReason: ReasonInvalidURL},
		"aws metadata":               {url: "http://169.254.169.254/latest/meta-data", policy: Policy{AllowPrivate: true, AllowLoopback: true}, wantReason: ReasonBlocked, wantInMsg: "cloud metadata"},
		"aws metadata v6":            {url: "http://[fd00:ec2::254]/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "metadata"},
		"gcp metadata name":          {url: "http://metadata.google.internal/computeMetadata/v1/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"gcp metadata trailing dot":  {url: "http://Metadata.Google.Internal./", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"link-local":                 {url: "http://169.254.1.2/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "link-local"},
		"link-local v6":              {url: "http://[fe80::1%25eth0]/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "link-local"},
		"loopback":                   {url: "http://127.0.0.1:9000/mcp", wantReason: ReasonBlocked, wantInMsg: "loopback"},
		"loopback v6":                {url: "http://[::1]:9000/mcp", wantReason: ReasonBlocked, wantInMsg: "loopback"},
		"v4-mapped loopback":         {url: "http://[::ffff:127.0.0.1]/", wantReason: ReasonBlocked, wantInMsg: "loopback"},
		"localhost":                  {url: "http://localhost:3000", wantReason: ReasonBlocked, wantInMsg: "loopback"},
		"loopback allowed by flag":   {url: "http://127.0.0.1:9000/mcp", policy: Policy{AllowLoopback: true}},
		"private not allowed":        {url: "http://10.1.2.3/", wantReason: ReasonPrivate, wantInMsg: "allowPrivateEndpoint"},
		"private allowed":            {url: "http://192.168.1.10/", policy: Policy{AllowPrivate: true}},
		"ula":                        {url: "http://[fd12::1]/", wantReason: ReasonPrivate},
		"cluster.local":              {url: "http://mcp-x-proxy.ns.svc.cluster.local:8080/mcp", wantReason: ReasonPrivate},
		"svc":                        {url: "http://mcp-x-proxy.ns.svc:8080/mcp", wantReason: ReasonPrivate},
		"cluster.local allowed":      {url: "http://mcp-x-proxy.ns.svc.cluster.local:8080/mcp", policy: Policy{AllowPrivate: true}},
		"kubernetes.default":         {url: "https://kubernetes.default.svc/api", policy: Policy{AllowPrivate: true, AllowLoopback: true}, wantReason: ReasonBlocked, wantInMsg: "Kubernetes API"},
		"kubernetes.default.svc.cl":  {url: "https://kubernetes.default.svc.cluster.local/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"decimal ip":                 {url: "http://2130706433/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "numeric"},
		"hex ip":                     {url: "http://0x7f.0x0.0x0.0x1/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"unspecified":                {url: "http://0.0.0.0:80/", policy: Policy{AllowPrivate: true, AllowLoopback: true}, wantReason: ReasonBlocked},
		"name with digits is public": {url: "https://api2.example.com/", wantReason: ""},
		// issue 10 item 2: hosts as the HTTP client will see them after IDNA mapping.
		"fullwidth loopback":        {url: "http://１２７.０.０.１:18102/mcp", wantReason: ReasonBlocked, wantInMsg: "127.0.0.1"},
		"fullwidth metadata":        {url: "http://１６９.２５４.１６９.２５４/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "metadata"},
		"ideographic stop metadata": {url: "http://169。254。169。254/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "metadata"},
		"ideographic stop loopback": {url: "http://127。0。0。1:18102/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "loopback"},
		"fullwidth metadata name":   {url: "http://ｍｅｔａｄａｔａ.google.internal/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"invalid idna":              {url: "http://a‍b.example/", wantReason: ReasonInvalidURL},
		"unicode public name":       {url: "https://bücher.example/mcp"},
		// issue 10 item 3: NAT64, IPv4-compatible and 6to4 forms of refused IPv4 addresses.
		"nat64 metadata":           {url: "http://[64:ff9b::a9fe:a9fe]/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked, wantInMsg: "169.254.169.254"},
		"nat64 loopback":           {url: "http://[64:ff9b::7f00:1]/", wantReason: ReasonBlocked, wantInMsg: "loopback"},
		"local nat64 private":      {url: "http://[64:ff9b:1::a00:1]/", wantReason: ReasonPrivate},
		"ipv4-compatible metadata": {url: "http://[::a9fe:a9fe]/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"6to4 metadata":            {url: "http://[2002:a9fe:a9fe::1]/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"v4-mapped metadata hex":   {url: "http://[::ffff:a9fe:a9fe]/", policy: Policy{AllowPrivate: true}, wantReason: ReasonBlocked},
		"nat64 public":             {url: "http://[64:ff9b::808:808]/"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := Check(tc.url, tc.policy)
			if tc.wantReason == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want allowed", tc.url, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check(%q) = %v, want *Error", tc.url, err)
			}
			if e.Reason != tc.wantReason || !strings.Contains(e.Message, tc.wantInMsg) {
				t.Fatalf("Check(%q) = %s %q; want reason %s with %q", tc.url, e.Reason, e.Message, tc.wantReason, tc.wantInMsg)
			}
		})
	}
}

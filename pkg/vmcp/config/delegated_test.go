package config

import (
	"strings"
	"testing"
)

func TestValidateDelegation(t *testing.T) {
	tx := BackendAuthStrategy{Type: BackendAuthTokenExchange, TokenExchange: &TokenExchange{TokenURL: "https://idp/token", ClientID: "c", ClientSecretEnv: "S"}}
	oidc := &IncomingAuth{Type: IncomingAuthOIDC}
	backends := []StaticBackend{{Name: "web", URL: "http://web/mcp"}, {Name: "cli", Transport: TransportStdio, Command: "x"}}
	tests := map[string]struct {
		in      *IncomingAuth
		out     *OutgoingAuth
		wantErr string
	}{
		"http backend":       {in: oidc, out: &OutgoingAuth{Backends: map[string]BackendAuthStrategy{"web": tx}}},
		"stdio own":          {in: oidc, out: &OutgoingAuth{Backends: map[string]BackendAuthStrategy{"cli": tx}}, wantErr: `outgoingAuth.backends.cli.type: token_exchange cannot be used for stdio backend "cli"`},
		"stdio default":      {in: oidc, out: &OutgoingAuth{Default: &tx}, wantErr: `outgoingAuth.default.type: token_exchange cannot be used for stdio backend "cli"`},
		"stdio overridden":   {in: oidc, out: &OutgoingAuth{Default: &tx, Backends: map[string]BackendAuthStrategy{"cli": {Type: BackendAuthUnauthenticated}}}},
		"anonymous incoming": {out: &OutgoingAuth{Backends: map[string]BackendAuthStrategy{"web": tx}}, wantErr: "token_exchange needs incomingAuth type oidc"},
		"no token exchange":  {out: &OutgoingAuth{Default: &BackendAuthStrategy{Type: BackendAuthUnauthenticated}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := &Config{Backends: backends, IncomingAuth: tc.in, OutgoingAuth: tc.out}
			p := &problems{}
			c.validateDelegation(p)
			var got []string
			for _, e := range p.list {
				got = append(got, e.Error())
			}
			all := strings.Join(got, "\n")
			if tc.wantErr == "" && len(got) > 0 || tc.wantErr != "" && !strings.Contains(all, tc.wantErr) {
				t.Fatalf("want %q, got %q", tc.wantErr, all)
			}
		})
	}
}

package envvar

import "testing"

func TestName(t *testing.T) {
	tests := map[string]struct{ prefix, in, want string }{
		"header":        {"MCP_HEADER_", "X-Api-Key", "MCP_HEADER_X_API_KEY"},
		"resource name": {"VMCP_AUTH_", "github.token-1", "VMCP_AUTH_GITHUB_TOKEN_1"},
		"already valid": {"P_", "A_B9", "P_A_B9"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Name(tc.prefix, tc.in); got != tc.want {
				t.Fatalf("Name(%q, %q) = %q, want %q", tc.prefix, tc.in, got, tc.want)
			}
		})
	}
}

func TestFromSecret(t *testing.T) {
	e := FromSecret("TOKEN", "creds", "token")
	if e.Name != "TOKEN" || e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil ||
		e.ValueFrom.SecretKeyRef.Name != "creds" || e.ValueFrom.SecretKeyRef.Key != "token" {
		t.Fatalf("FromSecret = %+v", e)
	}
}

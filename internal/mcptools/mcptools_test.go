package mcptools

import "testing"

func TestBackendOf(t *testing.T) {
	cases := map[string]struct {
		a    Attribution
		tool string
		want string
	}{
		"single server":          {Attribution{Single: "fetch"}, "fetch", "fetch"},
		"default prefix":         {Attribution{Backends: []string{"github", "jira"}, PrefixFormat: "{workload}_"}, "jira_create", "jira"},
		"longest prefix wins":    {Attribution{Backends: []string{"git", "github"}, PrefixFormat: "{workload}_"}, "github_x", "github"},
		"custom prefix":          {Attribution{Backends: []string{"a"}, PrefixFormat: "{workload}."}, "a.echo", "a"},
		"override name":          {Attribution{Backends: []string{"github"}, PrefixFormat: "{workload}_", Renamed: map[string]string{"gh_new_issue": "github"}}, "gh_new_issue", "github"},
		"no prefix strategy":     {Attribution{Backends: []string{"a", "b"}}, "echo", ""},
		"no backend matches":     {Attribution{Backends: []string{"a"}, PrefixFormat: "{workload}_"}, "b_echo", ""},
		"prefix needs separator": {Attribution{Backends: []string{"ab"}, PrefixFormat: "{workload}_"}, "abc_x", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.a.BackendOf(tc.tool); got != tc.want {
				t.Errorf("BackendOf(%q) = %q, want %q", tc.tool, got, tc.want)
			}
		})
	}
}

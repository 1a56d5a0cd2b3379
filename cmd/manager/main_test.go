package main

import (
	"slices"
	"testing"
)

func TestWatchNamespaces(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []string
	}{
		"all":        {in: "", want: nil},
		"one":        {in: "team-a", want: []string{"team-a"}},
		"comma list": {in: "team-a, team-b,,", want: []string{"team-a", "team-b"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := watchNamespaces(tc.in); !slices.Equal(got, tc.want) {
				t.Fatalf("watchNamespaces(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	f, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.metricsAddr != ":8080" || f.probeAddr != ":8081" || f.allowLoopback || f.watchesFile != "" {
		t.Fatalf("unexpected defaults: %+v", f)
	}
	f, err = parseFlags([]string{"--charts-dir=/x", "--watches-file=/w.yaml", "--allow-loopback-endpoints", "--leader-elect"})
	if err != nil || f.chartsDir != "/x" || f.watchesFile != "/w.yaml" || !f.allowLoopback || !f.leaderElect {
		t.Fatalf("flags not parsed: %+v %v", f, err)
	}
}

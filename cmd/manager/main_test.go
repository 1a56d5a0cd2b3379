package main

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"
	crzap "sigs.k8s.io/controller-runtime/pkg/log/zap"
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

func TestParseFlagsHelpAndLogging(t *testing.T) {
	if _, err := parseFlags([]string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: err = %v, want flag.ErrHelp (main exits 0 on it)", err)
	}
	f, err := parseFlags([]string{"--kubeconfig=/k.yaml", "--metrics-secure", "--zap-log-level=debug"})
	if err != nil || f.kubeconfig != "/k.yaml" || !f.metricsSecure {
		t.Fatalf("flags not parsed: %+v %v", f, err)
	}
	if !f.zap.Level.Enabled(zapcore.DebugLevel) {
		t.Fatal("--zap-log-level=debug does not enable debug")
	}
	if o := metricsOptions(f); !o.SecureServing || o.FilterProvider == nil {
		t.Fatalf("--metrics-secure: %+v", o)
	}
	if o := metricsOptions(flags{metricsAddr: ":8080"}); o.SecureServing || o.FilterProvider != nil {
		t.Fatalf("metrics are secured without --metrics-secure: %+v", o)
	}
}

// LOG_LEVEL=debug, as every binary of the project reads it, makes the manager's
// logger write debug lines; without it they are dropped.
func TestLogLevelEnv(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want bool
	}{{"debug", true}, {"", false}, {"info", false}} {
		t.Setenv("LOG_LEVEL", tc.env)
		f, err := parseFlags(nil)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		f.zap.DestWriter = &buf
		crzap.New(crzap.UseFlagOptions(&f.zap)).V(1).Info("decision", "why", "test")
		if got := strings.Contains(buf.String(), `"decision"`); got != tc.want {
			t.Errorf("LOG_LEVEL=%q: debug line written=%v, want %v (%q)", tc.env, got, tc.want, buf.String())
		}
	}
}

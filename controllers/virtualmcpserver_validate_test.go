package controllers

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// The operator reports a VirtualMCPServer Valid only when vmcp accepts the config file it
// writes: for each spec.config below, the controller's problems (resolveVMCPConfig) are
// exactly the problems `vmcp validate` prints for the rendered file (config.Load, the whole
// of that command's check). Static backends, so what vmcp serves is what the file says.
func TestControllerAndVMCPValidateAlike(t *testing.T) {
	const backends = "backends: [{name: a, url: 'http://127.0.0.1:1/mcp'}, {name: b, url: 'http://127.0.0.1:2/mcp', transport: sse}]\n"
	docs := map[string]struct {
		doc   string
		valid bool
	}{
		"minimal":       {backends, true},
		"all defaulted": {backends + "aggregation: {}\noperational: {failureHandling: {}, timeouts: {}, sessions: {}}\n", true},
		// Valid against the written interval alone, invalid against the default one (30s)
		// that vmcp fills in: the controller used to call this Valid.
		"health timeout over the default interval": {backends + "operational: {failureHandling: {healthCheckTimeout: 40s}}\n", false},
		"health timeout under its interval":        {backends + "operational: {failureHandling: {healthCheckTimeout: 40s, healthCheckInterval: 1m}}\n", true},
		"bad durations":                            {backends + "operational: {timeouts: {default: soon, perWorkload: {a: -1s}}, sessions: {idleTimeout: 0s}}\n", false},
		"unknown workload in timeouts":             {backends + "operational: {timeouts: {perWorkload: {c: 5s}}}\n", false},
		"priority without order":                   {backends + "aggregation: {conflictResolution: priority}\n", false},
		"prefix format without placeholder":        {backends + "aggregation: {conflictResolutionConfig: {prefixFormat: fixed_}}\n", true},
		"composite step without type": {backends + `compositeTools:
- name: both
  description: calls a then b
  steps:
  - {id: first, tool: a.echo}
  - {id: second, tool: b.echo, dependsOn: [first]}
`, true},
		"composite step on unknown workload": {backends + `compositeTools:
- name: lost
  description: calls c
  steps:
  - {id: only, tool: c.echo}
`, false},
		"telemetry without service name": {backends + "telemetry: {endpoint: 'otel:4318', tracingEnabled: true}\n", true},
		"redis sessions":                 {backends + "sessionStorage: {provider: redis, address: 'redis:6379'}\n", true},
	}
	for name, tc := range docs {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Decode([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			spec := v1alpha1.VirtualMCPServerSpec{Config: cfg}
			res := resolveVMCPConfig("agree", spec, vmcpConfigInputs{})
			if len(res.authProblems) > 0 || len(res.compositeProblems) > 0 {
				t.Fatalf("auth or composite problems, not under test: %v %v", res.authProblems, res.compositeProblems)
			}
			data, err := yaml.Marshal(res.cfg)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			var vmcp []string
			if _, err := config.Load(path); err != nil {
				vmcp = splitLines(strings.TrimPrefix(err.Error(), path+": "))
			}
			if (len(vmcp) == 0) != tc.valid {
				t.Errorf("vmcp validate: valid %v, want %v (%q)", len(vmcp) == 0, tc.valid, vmcp)
			}
			ctrl := append([]string{}, res.configProblems...)
			sort.Strings(ctrl)
			sort.Strings(vmcp)
			if !slices.Equal(ctrl, vmcp) {
				t.Errorf("the controller and vmcp validate differently\ncontroller: %q\nvmcp:       %q\nfile:\n%s", ctrl, vmcp, data)
			}
		})
	}
}

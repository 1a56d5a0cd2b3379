package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadOriginalConfig(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "original.yaml"))
	if err != nil {
		t.Fatalf("a config written for the original system must load: %v", err)
	}
	if c.Name != "my-vmcp" || c.GroupRef != "my-services" || len(c.Backends) != 2 {
		t.Fatalf("top-level fields lost: %+v", c)
	}
	if got := c.Aggregation.Tools[0].Overrides["create_issue"].Name; got != "gh_new_issue" {
		t.Errorf("override name = %q", got)
	}
	if got := c.Operational.Timeouts.PerWorkload["jira"]; got != "45s" {
		t.Errorf("perWorkload timeout = %q", got)
	}
	if got := c.CompositeTools[0].Steps[1].OnError.RetryCount; got != 2 {
		t.Errorf("retryCount = %d", got)
	}
}

func TestUnknownKeyIsNamed(t *testing.T) {
	_, err := Parse([]byte("name: x\nbackends: [{name: a, url: 'http://a/mcp'}]\naggregation:\n  conflictResolutoin: prefix\n"))
	if err == nil || !strings.Contains(err.Error(), "conflictResolutoin") {
		t.Fatalf("error must name the unknown key, got %v", err)
	}
	// Keys match case-sensitively: PriorityOrder is a typo of priorityOrder, not an alias.
	_, err = Parse([]byte("backends: [{name: a, url: 'http://a/mcp'}]\naggregation:\n  conflictResolutionConfig: {PriorityOrder: [a]}\n"))
	if err == nil || !strings.Contains(err.Error(), "PriorityOrder") {
		t.Fatalf("error must name the wrong-case key, got %v", err)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Parse([]byte("backends: [{name: a, url: 'http://127.0.0.1:1/mcp'}]"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Name:         DefaultName,
		Backends:     []StaticBackend{{Name: "a", URL: "http://127.0.0.1:1/mcp", Transport: TransportStreamableHTTP}},
		IncomingAuth: &IncomingAuth{Type: IncomingAuthAnonymous},
		OutgoingAuth: &OutgoingAuth{Source: OutgoingAuthInline},
		Aggregation: &Aggregation{ConflictResolution: ConflictPrefix,
			ConflictResolutionConfig: &ConflictResolutionConfig{PrefixFormat: "{workload}_"}},
		Operational: &Operational{
			Timeouts: &Timeouts{Default: "30s"},
			FailureHandling: &FailureHandling{HealthCheckInterval: "30s", HealthCheckTimeout: "10s",
				UnhealthyThreshold: 3, StatusReportingInterval: "30s", PartialFailureMode: PartialFailureFail,
				CircuitBreaker: &CircuitBreaker{FailureThreshold: 5, Timeout: "60s"}},
			Sessions: &SessionLimits{IdleTimeout: "30m"},
		},
	}
	if d := cmp.Diff(want, c); d != "" {
		t.Errorf("defaults (-want +got):\n%s", d)
	}
	again := *c
	again.Normalize()
	if d := cmp.Diff(c, &again); d != "" {
		t.Errorf("Normalize is not idempotent:\n%s", d)
	}
}

func TestValidate(t *testing.T) {
	const base = "backends:\n  - {name: a, url: 'http://127.0.0.1:1/mcp'}\n  - {name: b, url: 'http://127.0.0.1:2/mcp'}\n"
	tests := map[string]struct {
		doc  string
		want []string // substrings, each must appear; empty means valid
	}{
		"minimal static": {doc: base},
		"group only":     {doc: "groupRef: g"},
		"no source":      {doc: "name: x", want: []string{"groupRef: required unless static backends"}},
		"priority no order": {doc: base + "aggregation: {conflictResolution: priority}",
			want: []string{"aggregation.conflictResolutionConfig.priorityOrder: required when conflictResolution is priority"}},
		"priority unknown workload": {doc: base + "aggregation: {conflictResolution: priority, conflictResolutionConfig: {priorityOrder: [a, c, a]}}",
			want: []string{`priorityOrder[1]: unknown workload "c"`, `priorityOrder[2]: "a" is listed twice`}},
		"unknown names unchecked with groupRef": {doc: "groupRef: g\n" + base + "aggregation: {conflictResolution: priority, conflictResolutionConfig: {priorityOrder: [zzz]}}"},
		"duplicate backend": {doc: base + "  - {name: a, url: 'http://x/mcp'}",
			want: []string{`backends[2].name: duplicate backend name "a"`}},
		"stdio without command": {doc: "backends: [{name: s, transport: stdio}]",
			want: []string{"backends[0].command: required for a stdio backend"}},
		"bad url and transport": {doc: "backends: [{name: s, url: 'ftp://x'}, {name: t, url: 'http://x', transport: grpc}]",
			want: []string{`backends[0].url: "ftp://x" is not an http(s) URL`, `backends[1].transport: unknown transport "grpc"`}},
		"bad durations": {doc: base + "operational: {timeouts: {default: 3 seconds, perWorkload: {a: -1s, zz: 1s}}, failureHandling: {healthCheckInterval: 1s, healthCheckTimeout: 2s, partialFailureMode: sometimes}}",
			want: []string{`operational.timeouts.default: "3 seconds" is not a duration`, `perWorkload.a: "-1s" must be positive`,
				`perWorkload.zz: unknown workload "zz"`, "healthCheckTimeout: 2s is longer than healthCheckInterval 1s",
				`partialFailureMode: unknown mode "sometimes"`}},
		"bad session limits": {doc: base + "operational: {sessions: {maxSessions: -1, idleTimeout: soon}}",
			want: []string{"operational.sessions.maxSessions: -1 is negative", `operational.sessions.idleTimeout: "soon" is not a duration`}},
		"filters and overrides": {doc: base + "aggregation: {tools: [{workload: a, filter: [x], overrides: {w: {name: z}, x: {name: z}}}, {workload: a}, {workload: q}]}",
			want: []string{`overrides.w: tool "w" is overridden but removed by filter`, `overrides.x.name: "z" is also the new name of "w"`,
				`aggregation.tools[1].workload: workload "a" has more than one entry`, `aggregation.tools[2].workload: unknown workload "q"`}},
		"auth": {doc: base + "incomingAuth: {type: oidc, authz: {type: cedar}}\noutgoingAuth: {source: magic, default: {type: header_injection}, backends: {zz: {type: token_exchange}}}",
			want: []string{"incomingAuth.oidc.issuer: required", "incomingAuth.authz.policies: at least one", `outgoingAuth.source: unknown source "magic"`,
				"outgoingAuth.default.headerInjection.headerName: required", "outgoingAuth.default.headerInjection.headerValueEnv: required",
				`outgoingAuth.backends.zz: unknown workload "zz"`, "outgoingAuth.backends.zz.tokenExchange.tokenUrl: required"}},
		"composite dag": {doc: base + `compositeTools:
  - name: w
    steps:
      - {id: s1, tool: a.x, dependsOn: [s3]}
      - {id: s2, tool: nodot, dependsOn: [missing]}
      - {id: s3, tool: a.y, dependsOn: [s1]}
      - {id: s3, tool: c.y, arguments: {v: "{{.params.x"}, onError: {action: retry}}
      - {id: s5, type: elicitation}
  - name: w
    steps: []
`,
			want: []string{`compositeTools[0].steps[1].tool: "nodot" must have the form workload.tool_name`,
				`compositeTools[0].steps[1].dependsOn: step "missing" does not exist`,
				"compositeTools[0].steps: dependsOn forms a cycle: s1 -> s3 -> s1",
				`compositeTools[0].steps[3].id: duplicate step id "s3"`, `compositeTools[0].steps[3].tool: unknown workload "c"`,
				"compositeTools[0].steps[3].arguments.v: bad template", "steps[3].onError.retryCount: must be greater than 0",
				"compositeTools[0].steps[4].message: required for an elicitation step",
				`compositeTools[1].name: duplicate composite tool name "w"`, "compositeTools[1].steps: at least one step is required"}},
		"composite shapes vmcp would refuse at start": {doc: base + `compositeTools:
  - name: shapes
    parameters: {type: array}
    steps:
      - {id: each, type: forEach, tool: a.x}
      - {id: ask, type: elicitation, message: "{{.params.q"}
      - {id: args, tool: a.y, arguments: [1, 2]}
`,
			want: []string{`compositeTools[0].parameters.type: must be "object"`,
				"compositeTools[0].steps[0].collection: required for a forEach step",
				"compositeTools[0].steps[1].message: bad template",
				"compositeTools[0].steps[2].arguments: must be an object"}},
		// In a cluster the audit file's directory becomes a writable emptyDir of its own.
		"audit file in a directory of its own": {doc: "groupRef: g\naudit: {logFile: /var/log/vmcp/audit.log}"},
		"audit file relative":                  {doc: "groupRef: g\naudit: {logFile: audit.log}", want: []string{`audit.logFile: "audit.log": want a clean absolute file path`}},
		"audit file at the root":               {doc: "groupRef: g\naudit: {logFile: /audit.log}", want: []string{`audit.logFile: "/audit.log": put the file in a directory of its own`}},
		"audit file in the config mount":       {doc: "groupRef: g\naudit: {logFile: /etc/vmcp-config/a.log}", want: []string{"not / or /etc/vmcp-config"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("want valid, got:\n%v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want problems, got none")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("missing problem %q in:\n%v", w, err)
				}
			}
			if got := strings.Count(err.Error(), "\n") + 1; got != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%v", got, len(tc.want), err)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Fatalf("want a not-exist error, got %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNormalize: each case names the fields under test; the rest of the normalized config
// is compared too, so a default that moves or disappears fails here.
func TestNormalize(t *testing.T) {
	full := func(edit func(*Config)) *Config {
		c := &Config{
			Name:         DefaultName,
			IncomingAuth: &IncomingAuth{Type: IncomingAuthAnonymous},
			OutgoingAuth: &OutgoingAuth{Source: OutgoingAuthInline},
			Aggregation: &Aggregation{ConflictResolution: ConflictPrefix,
				ConflictResolutionConfig: &ConflictResolutionConfig{PrefixFormat: DefaultPrefixFormat}},
			Operational: &Operational{
				Timeouts: &Timeouts{Default: DefaultTimeout},
				Sessions: &SessionLimits{IdleTimeout: DefaultSessionIdleTimeout},
				FailureHandling: &FailureHandling{HealthCheckInterval: DefaultHealthCheckInterval,
					HealthCheckTimeout: DefaultHealthCheckTimeout, StatusReportingInterval: DefaultStatusReportingInterval,
					UnhealthyThreshold: DefaultUnhealthyThreshold, PartialFailureMode: PartialFailureFail,
					CircuitBreaker: &CircuitBreaker{FailureThreshold: DefaultCircuitFailureThreshold, Timeout: DefaultCircuitTimeout}},
			},
		}
		if edit != nil {
			edit(c)
		}
		return c
	}
	tests := map[string]struct {
		in, want *Config
	}{
		"empty": {in: &Config{}, want: full(nil)},
		"name kept": {in: &Config{Name: "team-a"},
			want: full(func(c *Config) { c.Name = "team-a" })},
		"backend transport": {in: &Config{Backends: []StaticBackend{{Name: "a", URL: "http://a/mcp"}, {Name: "b", URL: "http://b/sse", Transport: TransportSSE}}},
			want: full(func(c *Config) {
				c.Backends = []StaticBackend{{Name: "a", URL: "http://a/mcp", Transport: TransportStreamableHTTP}, {Name: "b", URL: "http://b/sse", Transport: TransportSSE}}
			})},
		"incoming and outgoing kept": {in: &Config{IncomingAuth: &IncomingAuth{Type: IncomingAuthOIDC}, OutgoingAuth: &OutgoingAuth{Source: OutgoingAuthDiscovered}},
			want: full(func(c *Config) {
				c.IncomingAuth.Type, c.OutgoingAuth.Source = IncomingAuthOIDC, OutgoingAuthDiscovered
			})},
		"priority keeps its order, prefix format filled": {in: &Config{Aggregation: &Aggregation{ConflictResolution: ConflictPriority,
			ConflictResolutionConfig: &ConflictResolutionConfig{PriorityOrder: []string{"b", "a"}}}},
			want: full(func(c *Config) {
				c.Aggregation = &Aggregation{ConflictResolution: ConflictPriority,
					ConflictResolutionConfig: &ConflictResolutionConfig{PriorityOrder: []string{"b", "a"}, PrefixFormat: DefaultPrefixFormat}}
			})},
		"health check interval kept, the rest filled": {in: &Config{Operational: &Operational{FailureHandling: &FailureHandling{HealthCheckInterval: "1m", UnhealthyThreshold: 7}}},
			want: full(func(c *Config) {
				c.Operational.FailureHandling.HealthCheckInterval, c.Operational.FailureHandling.UnhealthyThreshold = "1m", 7
			})},
		"redis key prefix": {in: &Config{SessionStorage: &SessionStorage{Provider: SessionStorageRedis, Address: "r:6379"}},
			want: full(func(c *Config) {
				c.SessionStorage = &SessionStorage{Provider: SessionStorageRedis, Address: "r:6379", KeyPrefix: DefaultSessionKeyPrefix}
			})},
		"redis key prefix kept": {in: &Config{SessionStorage: &SessionStorage{Provider: SessionStorageRedis, KeyPrefix: "vmcp:team-a:"}},
			want: full(func(c *Config) {
				c.SessionStorage = &SessionStorage{Provider: SessionStorageRedis, KeyPrefix: "vmcp:team-a:"}
			})},
		"telemetry service name is the gateway's": {in: &Config{Name: "team-a", Telemetry: &Telemetry{Endpoint: "otel:4318"}},
			want: full(func(c *Config) {
				c.Name, c.Telemetry = "team-a", &Telemetry{Endpoint: "otel:4318", ServiceName: "team-a"}
			})},
		"telemetry service name kept": {in: &Config{Telemetry: &Telemetry{ServiceName: "gw"}},
			want: full(func(c *Config) { c.Telemetry = &Telemetry{ServiceName: "gw"} })},
		"composite step type": {in: &Config{CompositeTools: []CompositeTool{{Name: "t", Steps: []WorkflowStep{{ID: "a", Tool: "x.y"}, {ID: "b", Type: StepElicitation}}}}},
			want: full(func(c *Config) {
				c.CompositeTools = []CompositeTool{{Name: "t", Steps: []WorkflowStep{{ID: "a", Type: StepTool, Tool: "x.y"}, {ID: "b", Type: StepElicitation}}}}
			})},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := tc.in.DeepCopy()
			got.Normalize()
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("Normalize (-want +got):\n%s", d)
			}
			again := got.DeepCopy()
			again.Normalize()
			if d := cmp.Diff(got, again); d != "" {
				t.Errorf("Normalize is not idempotent:\n%s", d)
			}
		})
	}
}

// A composite tool compiled on its own (composite.New) gets the same step defaults
// without touching the config it was copied from.
func TestCompositeToolNormalizeCopiesSteps(t *testing.T) {
	c := &Config{CompositeTools: []CompositeTool{{Name: "t", Steps: []WorkflowStep{{ID: "a"}}}}}
	tool := c.CompositeTools[0]
	tool.Normalize()
	if tool.Steps[0].Type != StepTool {
		t.Fatalf("step type %q, want %q", tool.Steps[0].Type, StepTool)
	}
	if c.CompositeTools[0].Steps[0].Type != "" {
		t.Fatalf("the config's step was changed to %q", c.CompositeTools[0].Steps[0].Type)
	}
}

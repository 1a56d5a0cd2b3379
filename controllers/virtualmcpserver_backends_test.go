package controllers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

func TestJudgeHealthReport(t *testing.T) {
	now := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) *v1alpha1.VirtualMCPServerRuntime {
		ts := metav1.NewTime(now.Add(-ago))
		return &v1alpha1.VirtualMCPServerRuntime{LastReportTime: &ts}
	}
	const staleAfter = 90 * time.Second
	tests := map[string]struct {
		rt        *v1alpha1.VirtualMCPServerRuntime
		fresh     bool
		reason    string
		recheckIn time.Duration
	}{
		"no report":                  {rt: nil, reason: v1alpha1.ReasonPending},
		"runtime without heartbeat":  {rt: &v1alpha1.VirtualMCPServerRuntime{}, reason: v1alpha1.ReasonPending},
		"just reported":              {rt: at(0), fresh: true, reason: v1alpha1.ReasonReported, recheckIn: staleAfter + reportMargin},
		"one interval old":           {rt: at(30 * time.Second), fresh: true, reason: v1alpha1.ReasonReported, recheckIn: 60*time.Second + reportMargin},
		"exactly 3 intervals: fresh": {rt: at(staleAfter), fresh: true, reason: v1alpha1.ReasonReported, recheckIn: reportMargin},
		"older than 3 intervals":     {rt: at(staleAfter + time.Second), reason: v1alpha1.ReasonBackendsHealthStale},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := judgeHealthReport(tc.rt, staleAfter, now, "gw", "ns")
			if v.fresh != tc.fresh || v.cond.Reason != tc.reason || v.recheckIn != tc.recheckIn {
				t.Fatalf("fresh %v reason %s recheck %s, want %v %s %s", v.fresh, v.cond.Reason, v.recheckIn, tc.fresh, tc.reason, tc.recheckIn)
			}
			if !tc.fresh && (v.unknownMsg == "" || v.cond.Status != metav1.ConditionFalse) {
				t.Fatalf("not fresh but %+v", v)
			}
		})
	}
}

func TestWithHealth(t *testing.T) {
	checked := metav1.NewTime(time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC))
	d := members.Discovery{
		Backends: []v1alpha1.DiscoveredBackend{{Name: "a", URL: "http://a/mcp", AuthType: "header_injection", AuthConfigRef: "ea"},
			{Name: "b", URL: "http://b/mcp"}, {Name: "c", Status: v1alpha1.BackendUnavailable, Message: "MCPServer c is left out"}},
		LeftOut: map[string]bool{"c": true},
	}
	rt := &v1alpha1.VirtualMCPServerRuntime{DiscoveredBackends: []v1alpha1.DiscoveredBackend{
		// vmcp's own URL and auth do not replace the operator's.
		{Name: "a", URL: "http://elsewhere", AuthType: "unauthenticated", Status: v1alpha1.BackendReady, LastHealthCheck: &checked, CircuitBreakerState: v1alpha1.CircuitClosed},
		{Name: "c", Status: v1alpha1.BackendReady}}}
	tests := map[string]struct {
		verdict healthVerdict
		want    []v1alpha1.DiscoveredBackend
	}{
		"fresh: copied; missing unknown; left out kept": {verdict: healthVerdict{fresh: true}, want: []v1alpha1.DiscoveredBackend{
			{Name: "a", URL: "http://a/mcp", AuthType: "header_injection", AuthConfigRef: "ea", Status: v1alpha1.BackendReady, LastHealthCheck: &checked, CircuitBreakerState: v1alpha1.CircuitClosed},
			{Name: "b", URL: "http://b/mcp", Status: v1alpha1.BackendUnknown, Message: "health unknown: not in vmcp's last report yet"},
			d.Backends[2]}},
		"stale: unknown with the last known": {verdict: healthVerdict{unknownMsg: "health unknown: stale"}, want: []v1alpha1.DiscoveredBackend{
			{Name: "a", URL: "http://a/mcp", AuthType: "header_injection", AuthConfigRef: "ea", Status: v1alpha1.BackendUnknown, Message: "health unknown: stale; last reported ready"},
			{Name: "b", URL: "http://b/mcp", Status: v1alpha1.BackendUnknown, Message: "health unknown: stale"},
			d.Backends[2]}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, withHealth(d, rt, tc.verdict)); diff != "" {
				t.Fatalf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestSetBackendsDiscoveredCondition(t *testing.T) {
	served := members.Discovery{Backends: []v1alpha1.DiscoveredBackend{{Name: "a"}, {Name: "b"}}, LeftOut: map[string]bool{"b": true},
		Shadowed: []string{"MCPServerEntry a is not used: the name is already used"}}
	none := members.Discovery{Backends: []v1alpha1.DiscoveredBackend{{Name: "b"}}, LeftOut: map[string]bool{"b": true}}
	tests := map[string]struct {
		d              *members.Discovery
		status, reason string
		inMsg          []string
	}{
		"not run":          {d: nil, status: "False", reason: v1alpha1.ReasonPending, inMsg: []string{"once the spec"}},
		"served, left out": {d: &served, status: "True", reason: v1alpha1.ReasonDiscovered, inMsg: []string{`2 backends discovered in MCPGroup "g"`, "1 served", "1 left out (b;", "MCPServerEntry a is not used"}},
		"nothing served":   {d: &none, status: "False", reason: v1alpha1.ReasonNoBackends, inMsg: []string{"no backend to serve", "0 served"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var conds []metav1.Condition
			setBackendsDiscoveredCondition(&conds, tc.d, "g", 1)
			c := conds[0]
			if string(c.Status) != tc.status || c.Reason != tc.reason {
				t.Fatalf("%+v", c)
			}
			for _, m := range tc.inMsg {
				if !strings.Contains(c.Message, m) {
					t.Errorf("message %q lacks %q", c.Message, m)
				}
			}
		})
	}
}

package ratelimit

import (
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func limit(n int32, period string) *config.RateLimitingPerUser {
	return &config.RateLimitingPerUser{MaxTokens: n, RefillPeriod: period}
}

// TestAllowCall drives the buckets with a fake clock: bursts up to maxTokens, refill
// over refillPeriod, per-user isolation, tool limits on top of global ones, and no
// token spent by a refused call.
func TestAllowCall(t *testing.T) {
	type step struct {
		after      time.Duration
		user, tool string
		want       bool
		wantLimit  string
	}
	tests := map[string]struct {
		cfg   config.RateLimiting
		steps []step
	}{
		"shared burst then refill": {
			cfg: config.RateLimiting{Shared: limit(2, "10s")},
			steps: []step{{0, "a", "x", true, ""}, {0, "b", "x", true, ""}, {0, "a", "x", false, "rateLimiting.shared"},
				{4 * time.Second, "a", "x", false, "rateLimiting.shared"}, {time.Second, "a", "x", true, ""}, {0, "a", "x", false, "rateLimiting.shared"}},
		},
		"per user is per user": {
			cfg: config.RateLimiting{PerUser: limit(1, "1h")},
			steps: []step{{0, "a", "x", true, ""}, {0, "a", "x", false, "rateLimiting.perUser"}, {0, "b", "x", true, ""},
				{0, "", "x", true, ""}, {0, "", "x", false, "rateLimiting.perUser"}},
		},
		"tool limit adds to global": {
			cfg: config.RateLimiting{Shared: limit(3, "1h"), Tools: []config.RateLimitingTool{{Name: "slow", PerUser: limit(1, "1h")}}},
			steps: []step{{0, "a", "slow", true, ""}, {0, "a", "slow", false, "rateLimiting.tools[slow].perUser"},
				{0, "b", "slow", true, ""}, {0, "a", "fast", true, ""}, {0, "a", "fast", false, "rateLimiting.shared"}},
		},
		"refusal spends nothing": {
			cfg: config.RateLimiting{Shared: limit(2, "1h"), Tools: []config.RateLimitingTool{{Name: "t", Shared: limit(1, "1h")}}},
			steps: []step{{0, "a", "t", true, ""}, {0, "a", "t", false, "rateLimiting.tools[t].shared"},
				{0, "a", "t", false, "rateLimiting.tools[t].shared"}, {0, "a", "other", true, ""}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l, err := New(&tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Unix(1000, 0)
			l.now = func() time.Time { return now }
			for i, s := range tc.steps {
				now = now.Add(s.after)
				d := l.AllowCall(s.user, s.tool)
				if d.Allowed != s.want || d.Limit != s.wantLimit {
					t.Fatalf("step %d (%s calls %s): %+v, want allowed=%v limit=%q", i, s.user, s.tool, d, s.want, s.wantLimit)
				}
				if !d.Allowed && d.RetryAfter <= 0 {
					t.Fatalf("step %d: refusal without RetryAfter", i)
				}
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := map[string]config.RateLimiting{
		"bad period":    {Shared: limit(1, "soon")},
		"zero period":   {PerUser: limit(1, "0s")},
		"zero tokens":   {Shared: limit(0, "1s")},
		"tool no limit": {Tools: []config.RateLimitingTool{{Name: "t"}}},
		"tool twice":    {Tools: []config.RateLimitingTool{{Name: "t", Shared: limit(1, "1s")}, {Name: "t", Shared: limit(1, "1s")}}},
		"tool no name":  {Tools: []config.RateLimitingTool{{Shared: limit(1, "1s")}}},
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New(&c); err == nil {
				t.Fatal("want an error")
			}
		})
	}
	if l, err := New(nil); err != nil || !l.AllowCall("a", "b").Allowed {
		t.Fatal("nil config must allow everything")
	}
}

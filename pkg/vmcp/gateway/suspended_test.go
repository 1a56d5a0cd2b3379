package gateway

import (
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/composite"
)

// TestSuspendedCalls checks that a saved call resumes only once, for the same
// tool and identity, before it expires.
func TestSuspendedCalls(t *testing.T) {
	now := time.Now()
	defer func() { timeNow = time.Now }()
	cases := map[string]struct {
		tool, subject string
		later         time.Duration
		token         func(string) string
		ok            bool
	}{
		"same tool and identity": {tool: "t", subject: "alice", ok: true},
		"another identity":       {tool: "t", subject: "bob"},
		"another tool":           {tool: "u", subject: "alice"},
		"expired":                {tool: "t", subject: "alice", later: suspendedTTL + time.Second},
		"unknown token":          {tool: "t", subject: "alice", token: func(string) string { return "forged" }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			timeNow = func() time.Time { return now }
			var s suspendedCalls
			token, err := s.put(suspendedCall{tool: "t", subject: "alice", done: map[string]composite.StepResult{"a": {Status: composite.StatusCompleted}}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.token != nil {
				token = tc.token(token)
			}
			timeNow = func() time.Time { return now.Add(tc.later) }
			c, ok := s.take(token, tc.tool, tc.subject)
			if ok != tc.ok {
				t.Fatalf("take = %v, want %v", ok, tc.ok)
			}
			if ok && c.done["a"].Status != composite.StatusCompleted {
				t.Errorf("resumed state lost its steps: %+v", c.done)
			}
			if _, again := s.take(token, tc.tool, tc.subject); again {
				t.Error("a saved call resumed twice")
			}
		})
	}
}

package audit

import (
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

func TestLog(t *testing.T) {
	tests := map[string]struct {
		ev   Event
		want map[string]any
	}{
		"authenticated call": {
			ev: Event{Identity: &auth.Identity{Subject: "alice", Token: "secret"}, Method: "tools/call", Target: "echo",
				Outcome: OutcomeSuccess, Duration: 3 * time.Millisecond, Session: "s1", Remote: "127.0.0.1:5"},
			want: map[string]any{"subject": "alice", "anonymous": false, "method": "tools/call", "target": "echo",
				"outcome": "success", "duration": 3 * time.Millisecond, "session": "s1", "remote": "127.0.0.1:5"},
		},
		"anonymous denied list": {
			ev:   Event{Method: "tools/call", Target: "rm", Outcome: OutcomeDenied, Detail: "no policy permits it"},
			want: map[string]any{"subject": "anonymous", "anonymous": true, "method": "tools/call", "target": "rm", "outcome": "denied", "detail": "no policy permits it", "duration": time.Duration(0)},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			core, logs := observer.New(zapcore.InfoLevel)
			New(zap.New(core)).Log(tc.ev)
			entries := logs.All()
			if len(entries) != 1 || entries[0].LoggerName != "audit" || entries[0].Message != "MCP operation" {
				t.Fatalf("entries %+v", entries)
			}
			got := entries[0].ContextMap()
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v (%T), want %v", k, got[k], got[k], v)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("fields %v, want exactly %v", got, tc.want)
			}
			for _, v := range got {
				if v == "secret" {
					t.Fatal("the token was logged")
				}
			}
		})
	}
}

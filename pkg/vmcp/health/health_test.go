package health

import (
	"errors"
	"testing"
	"time"
)

func TestTracker(t *testing.T) {
	boom := errors.New("boom")
	tests := map[string]struct {
		results []error
		want    Status
		fails   int
	}{
		"no checks":                   {want: StatusUnknown},
		"healthy":                     {results: []error{nil}, want: StatusReady},
		"one failure after ready":     {results: []error{nil, boom}, want: StatusDegraded, fails: 1},
		"threshold reached":           {results: []error{nil, boom, boom, boom}, want: StatusUnavailable, fails: 3},
		"unknown stays unknown below": {results: []error{boom}, want: StatusUnknown, fails: 1},
		"recovers":                    {results: []error{boom, boom, boom, nil}, want: StatusReady},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tr := NewTracker(3)
			for _, r := range tc.results {
				tr.Observe(r, time.Unix(1, 0))
			}
			s := tr.State()
			if s.Status != tc.want || s.ConsecutiveFailures != tc.fails {
				t.Fatalf("got %s/%d, want %s/%d", s.Status, s.ConsecutiveFailures, tc.want, tc.fails)
			}
		})
	}
}

func TestBreaker(t *testing.T) {
	type step struct {
		advance time.Duration
		record  *bool // nil: call Allow
		allow   bool
		state   CircuitState
	}
	ok, fail := true, false
	tests := map[string]struct {
		enabled bool
		steps   []step
	}{
		"disabled never opens": {enabled: false, steps: []step{
			{record: &fail, state: CircuitClosed}, {record: &fail, state: CircuitClosed}, {allow: true, state: CircuitClosed}}},
		"opens at threshold and rejects": {enabled: true, steps: []step{
			{record: &fail, state: CircuitClosed}, {record: &fail, state: CircuitOpen}, {allow: false, state: CircuitOpen}}},
		"half-open allows one trial, success closes": {enabled: true, steps: []step{
			{record: &fail}, {record: &fail, state: CircuitOpen},
			{advance: time.Minute, allow: true, state: CircuitHalfOpen}, {allow: false, state: CircuitHalfOpen},
			{record: &ok, state: CircuitClosed}, {allow: true, state: CircuitClosed}}},
		"half-open failure reopens": {enabled: true, steps: []step{
			{record: &fail}, {record: &fail, state: CircuitOpen},
			{advance: time.Minute, allow: true, state: CircuitHalfOpen}, {record: &fail, state: CircuitOpen},
			{allow: false, state: CircuitOpen}}},
		"success resets count": {enabled: true, steps: []step{
			{record: &fail}, {record: &ok}, {record: &fail, state: CircuitClosed}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			now := time.Unix(0, 0)
			b := NewBreaker(tc.enabled, 2, 30*time.Second, func() time.Time { return now })
			for i, s := range tc.steps {
				now = now.Add(s.advance)
				if s.record != nil {
					b.Record(*s.record)
				} else if got := b.Allow(); got != s.allow {
					t.Fatalf("step %d: Allow = %v, want %v", i, got, s.allow)
				}
				if s.state != "" && b.State() != s.state {
					t.Fatalf("step %d: state %s, want %s", i, b.State(), s.state)
				}
			}
		})
	}
}

package health

import (
	"sync"
	"time"
)

// Status is a backend's health as reported in VirtualMCPServer status.
type Status string

// Backend health values.
const (
	StatusUnknown     Status = "unknown"
	StatusReady       Status = "ready"
	StatusDegraded    Status = "degraded"
	StatusUnavailable Status = "unavailable"
)

// Tracker turns consecutive check results into a Status: every success is ready; a
// failure is degraded until Threshold consecutive failures make it unavailable.
type Tracker struct {
	mu        sync.Mutex
	threshold int
	status    Status
	failures  int
	lastCheck time.Time
	message   string
}

// NewTracker returns a tracker in StatusUnknown; threshold < 1 means 1.
func NewTracker(threshold int) *Tracker {
	return &Tracker{threshold: max(threshold, 1), status: StatusUnknown}
}

// Observe records one check result at time at and returns the previous and new status.
func (t *Tracker) Observe(err error, at time.Time) (before, after Status) {
	t.mu.Lock()
	defer t.mu.Unlock()
	before = t.status
	t.lastCheck = at
	if err == nil {
		t.failures = 0
		t.status = StatusReady
		t.message = ""
		return before, t.status
	}
	t.failures++
	t.message = err.Error()
	t.status = next(t.status, t.failures, t.threshold)
	return before, t.status
}

// next is the status after a failure: unavailable at the threshold, otherwise
// degraded if it was usable, else unchanged (unknown stays unknown until proven).
func next(cur Status, failures, threshold int) Status {
	if failures >= threshold {
		return StatusUnavailable
	}
	if cur == StatusReady || cur == StatusDegraded {
		return StatusDegraded
	}
	return cur
}

// State is a copy of a tracker's fields.
type State struct {
	Status              Status
	ConsecutiveFailures int
	LastCheck           time.Time
	Message             string
}

// State returns the current state.
func (t *Tracker) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return State{Status: t.status, ConsecutiveFailures: t.failures, LastCheck: t.lastCheck, Message: t.message}
}

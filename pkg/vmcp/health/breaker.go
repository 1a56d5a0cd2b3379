package health

import (
	"sync"
	"time"
)

// CircuitState is the state of a circuit breaker.
type CircuitState string

// Circuit breaker states.
const (
	CircuitClosed   CircuitState = "closed"
	CircuitOpen     CircuitState = "open"
	CircuitHalfOpen CircuitState = "half-open"
)

// Breaker stops calls to a backend after Threshold consecutive failures. After
// Timeout it lets one trial call through (half-open): success closes it, failure
// opens it again. A disabled breaker always allows and stays closed.
type Breaker struct {
	mu        sync.Mutex
	enabled   bool
	threshold int
	timeout   time.Duration
	now       func() time.Time

	state    CircuitState
	failures int
	openedAt time.Time
	trial    bool
}

// NewBreaker returns a closed breaker. now may be nil (time.Now).
func NewBreaker(enabled bool, threshold int, timeout time.Duration, now func() time.Time) *Breaker {
	if now == nil {
		now = time.Now
	}
	return &Breaker{enabled: enabled, threshold: max(threshold, 1), timeout: timeout, now: now, state: CircuitClosed}
}

// Allow reports whether a call may proceed. In half-open state only one trial
// call is allowed until its result is recorded.
func (b *Breaker) Allow() bool {
	if !b.enabled {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case CircuitOpen:
		if b.now().Sub(b.openedAt) < b.timeout {
			return false
		}
		b.state = CircuitHalfOpen
		b.trial = true
		return true
	case CircuitHalfOpen:
		if b.trial {
			return false
		}
		b.trial = true
		return true
	default:
		return true
	}
}

// Record reports a call's outcome.
func (b *Breaker) Record(success bool) {
	if !b.enabled {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trial = false
	if success {
		b.failures = 0
		b.state = CircuitClosed
		return
	}
	b.failures++
	if b.state == CircuitHalfOpen || b.failures >= b.threshold {
		if b.state != CircuitOpen {
			b.openedAt = b.now()
		}
		b.state = CircuitOpen
	}
}

// State returns the current state (an open breaker whose timeout passed still
// reports open until a call tries it).
func (b *Breaker) State() CircuitState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

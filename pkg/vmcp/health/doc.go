// Package health tracks the health of one backend from consecutive check and call
// results, and implements its circuit breaker (closed, open, half-open). Both are
// small state machines with an injectable clock so they can be table-tested.
package health

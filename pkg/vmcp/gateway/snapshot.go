package gateway

import (
	"sort"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
)

// BackendSnapshot is one backend's state for status reporting (the fields of
// VirtualMCPServer status.discoveredBackends).
type BackendSnapshot struct {
	Name                string
	URL                 string
	Status              health.Status
	LastHealthCheck     time.Time
	Message             string
	CircuitBreakerState health.CircuitState
	ConsecutiveFailures int
	// Tools is the number of tools the backend contributes (0 while unusable).
	Tools int
	// AwaitingClient is true for a token_exchange backend no authenticated client
	// has used yet: it can only be reached on a client's behalf, so it is not
	// counted as down.
	AwaitingClient bool
}

// Snapshots returns every backend's state, sorted by name.
func (g *Gateway) Snapshots() []BackendSnapshot {
	var out []BackendSnapshot
	for _, b := range g.backendList() {
		st := b.tracker.State()
		s := BackendSnapshot{
			Name: b.def.Name, URL: b.def.URL, Status: st.Status, LastHealthCheck: st.LastCheck,
			Message: st.Message, CircuitBreakerState: b.breaker.State(), ConsecutiveFailures: st.ConsecutiveFailures,
		}
		if awaitingClient(b) {
			s.AwaitingClient = true
			s.Message = "token_exchange backend: discovered on behalf of the first authenticated client"
		}
		if s.URL == "" {
			s.URL = "stdio:" + b.def.Command
		}
		if caps := b.capabilities(); caps != nil && b.usable() {
			s.Tools = len(caps.Tools)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AggregationError is why the last aggregation failed (manual conflict resolution
// with clashing tool names), or nil; the previous lists are served meanwhile.
func (g *Gateway) AggregationError() error {
	if e := g.aggErr.Load(); e != nil {
		return *e
	}
	return nil
}

// Ready reports whether the gateway should receive traffic: discovery finished,
// the aggregation is valid, and partialFailureMode is satisfied (fail: every
// backend usable; best_effort: at least one, or none configured). The string
// says why not.
func (g *Gateway) Ready() (bool, string) {
	if !g.discovered.Load() {
		return false, "initial discovery has not finished"
	}
	if e := g.aggErr.Load(); e != nil {
		return false, (*e).Error()
	}
	snaps := g.Snapshots()
	usable := 0
	for _, s := range snaps {
		if s.Status == health.StatusReady || s.Status == health.StatusDegraded || s.AwaitingClient {
			usable++
		}
	}
	if g.set.bestEffort {
		if len(snaps) > 0 && usable == 0 {
			return false, "no backend is available"
		}
		return true, "ok"
	}
	if err := g.partialFailure(); err != nil {
		return false, err.Error()
	}
	return true, "ok"
}

package gateway

import (
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// settings are the parsed operational values of a validated, defaulted config.
type settings struct {
	timeout     time.Duration
	perWorkload map[string]time.Duration
	interval    time.Duration
	hcTimeout   time.Duration
	threshold   int
	bestEffort  bool
	cbEnabled   bool
	cbThreshold int
	cbTimeout   time.Duration
	maxSessions int
	idle        time.Duration
}

// parseSettings reads a normalized config (gateway.New normalizes it).
func parseSettings(c *config.Config) settings {
	o := c.Operational
	f := o.FailureHandling
	s := settings{
		timeout:     dur(o.Timeouts.Default),
		perWorkload: map[string]time.Duration{},
		interval:    dur(f.HealthCheckInterval),
		hcTimeout:   dur(f.HealthCheckTimeout),
		threshold:   int(f.UnhealthyThreshold),
		bestEffort:  f.PartialFailureMode == config.PartialFailureBestEffort,
		cbEnabled:   f.CircuitBreaker.Enabled,
		cbThreshold: int(f.CircuitBreaker.FailureThreshold),
		cbTimeout:   dur(f.CircuitBreaker.Timeout),
		maxSessions: int(o.Sessions.MaxSessions),
		idle:        dur(o.Sessions.IdleTimeout),
	}
	for k, v := range o.Timeouts.PerWorkload {
		s.perWorkload[k] = dur(v)
	}
	return s
}

// dur parses a validated duration; validation guarantees it parses.
func dur(d config.Duration) time.Duration {
	v, _ := time.ParseDuration(string(d))
	return v
}

func (s settings) timeoutFor(backend string) time.Duration {
	if d, ok := s.perWorkload[backend]; ok && d > 0 {
		return d
	}
	return s.timeout
}

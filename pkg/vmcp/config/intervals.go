package config

import "time"

// StaleReports is how many intervals vmcp's last status report may be old before
// the backend health in it counts as stale (vmcp stopped or cannot write).
const StaleReports = 3

// ReportingInterval is how often vmcp writes its status report: statusReportingInterval,
// or its default when unset, unparsable or not positive. o may be nil.
func ReportingInterval(o *Operational) time.Duration {
	var d Duration
	if o != nil && o.FailureHandling != nil {
		d = o.FailureHandling.StatusReportingInterval
	}
	return durationOr(d, DefaultStatusReportingInterval)
}

// HealthCheckEvery is how often vmcp checks each backend: healthCheckInterval, or its
// default. o may be nil.
func HealthCheckEvery(o *Operational) time.Duration {
	var d Duration
	if o != nil && o.FailureHandling != nil {
		d = o.FailureHandling.HealthCheckInterval
	}
	return durationOr(d, DefaultHealthCheckInterval)
}

// HealthReportStaleAfter is the age at which vmcp's report (its heartbeat) is stale:
// StaleReports times the longer of the reporting and health-check intervals, so a
// report is never called stale while vmcp is merely between two of its own ticks.
func HealthReportStaleAfter(o *Operational) time.Duration {
	return StaleReports * max(ReportingInterval(o), HealthCheckEvery(o))
}

func durationOr(d, def Duration) time.Duration {
	if v, err := time.ParseDuration(string(d)); err == nil && v > 0 {
		return v
	}
	v, _ := time.ParseDuration(string(def))
	return v
}

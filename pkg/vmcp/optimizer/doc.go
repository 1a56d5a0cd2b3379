// Package optimizer puts vmcp into optimizer mode: it keeps a search index
// (pkg/optimizer) over the gateway's aggregated and composite tools, updated
// per backend when the aggregation changes, and implements the two tools
// clients then see instead of the full list: find_tool (search) and the
// argument parsing of call_tool (the gateway routes the call itself, so auth,
// Cedar, filters, timeouts, the circuit breaker and composite tools apply).
package optimizer

// Package metrics holds the proxy runner's Prometheus metrics (HTTP requests, errors,
// latency, upstream state, stdio restarts) on a registry of its own, served at /metrics.
package metrics

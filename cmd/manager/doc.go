// Command manager is the mcp-operator: a controller-runtime manager running the
// reconcilers of package controllers, with children rendered from the embedded (or
// --charts-dir) Helm charts.
package main

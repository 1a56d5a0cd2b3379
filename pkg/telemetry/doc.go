// Package telemetry exports OpenTelemetry traces and metrics over OTLP/HTTP from the
// proxy runner and vmcp, with the official OpenTelemetry Go SDK. One Config describes
// what the operator renders from an MCPTelemetryConfig (or a VirtualMCPServer's
// spec.config.telemetry); New builds the providers and Middleware records one span
// and one duration measurement per MCP request, named after its JSON-RPC method.
package telemetry

// Package mcpauthz is the proxy runner's authorization hook: an HTTP middleware that
// reads the JSON-RPC messages a client POSTs, maps each request to an auth.Operation
// (call_tool weather_get, read_resource file://x, …) and asks the shared
// auth.Authorizer, so Cedar policies can be plugged in without touching the proxy.
package mcpauthz

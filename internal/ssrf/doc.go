// Package ssrf decides whether the operator may hand a user-supplied URL (an
// MCPRemoteProxy's or MCPServerEntry's remoteUrl) to a proxy or gateway that will call it.
//
// Check never resolves names: it classifies literal IP addresses and well-known host names
// only, so its answer is the same in every environment and in tests. Loopback, link-local,
// unspecified, multicast, cloud metadata endpoints and the Kubernetes API service are always
// refused (loopback can be allowed by an operator flag, for local development and tests
// only); private ranges (RFC 1918, RFC 6598, ULA) and in-cluster names (*.cluster.local,
// *.svc) need the resource's allowPrivateEndpoint.
package ssrf

// CheckResolved also looks the name up; the same rules then apply to every address it
// resolves to. Neither check stops DNS rebinding (a name that resolves to a public address
// when checked and to a refused one when dialled), so the processes that connect — vmcp
// and the proxy runner — dial through Dialer, which checks the address actually dialled.

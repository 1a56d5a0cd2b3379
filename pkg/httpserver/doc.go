// Package httpserver holds what vmcp and the proxy runner both need around an HTTP
// handler: Origin/Host validation against DNS rebinding, a request body size limit,
// and a server that shuts down gracefully, finishing in-flight requests.
package httpserver

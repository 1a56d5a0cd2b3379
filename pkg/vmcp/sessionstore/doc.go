// Package sessionstore keeps vmcp's client session records in Redis
// (sessionStorage provider redis), so that every replica behind one Service can
// serve a session another replica started, and sessions survive a restart. A
// record holds what a replica needs to take a session over: the identity that
// owns it and the MCP session state of its initialize handshake. Backend
// sessions are not stored: the replica serving a request opens its own.
package sessionstore

// Package authz builds vmcp's authorizer from incomingAuth.authz. The Cedar engine
// and its entity model live in pkg/auth/cedar, shared with the proxy runner; this
// package only names config fields in errors, so the gateway's import stays put.
package authz

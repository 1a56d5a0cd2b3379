// Package oidc is the OIDC Authenticator shared by vmcp and the proxy runner: it
// validates bearer JWTs (signature through the issuer's JWKS, found by OpenID
// discovery or given as jwksUrl; issuer; audience; expiry with a clock skew) and
// turns them into an auth.Identity (subject and claims; the raw token only in
// Identity.Token, which auth.Middleware keeps from travelling upstream).
//
// It also implements the OAuth 2.0 Protected Resource Metadata of RFC 9728: a
// failed request gets `WWW-Authenticate: Bearer resource_metadata="<origin>/.well-known/oauth-protected-resource"`,
// and MetadataHandler serves that document (resource, authorization_servers,
// scopes_supported) so MCP clients can find the authorization server.
package oidc

// Package tokenexchange is an OAuth 2.0 Token Exchange (RFC 8693) client: it
// trades a caller's access token for one meant for another audience, using client
// authentication (HTTP Basic), and caches the results until shortly before they
// expire so that repeated backend calls by the same caller do not each cost a
// round trip to the authorization server.
package tokenexchange

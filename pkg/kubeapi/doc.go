// Package kubeapi is what vmcp and the proxy runner share to talk to the Kubernetes
// API server they run against: the one way to load the connection (RESTConfig), and
// the token validator settings that accept the cluster's service-account tokens
// (ServiceAccountTokenConfig), which read the API server's signing keys with its CA
// and the pod's own credentials.
//
// It depends on client-go's REST layer only (no typed API, no scheme), so the proxy
// runner can use it without linking the operator's API.
package kubeapi

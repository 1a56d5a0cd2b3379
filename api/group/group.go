// Package group names the API group of every kind and builds its schemes, without
// controller-runtime, so binaries that only address the API over REST (the proxy
// runner) need not link the typed API, and vmcp need not link controller-runtime.
package group

// Name is the API group of every kind of this project (the original's group).
const Name = "toolhive.stacklok.dev"

// Package controllers holds one reconciler per custom resource kind.
//
// Every reconciler follows the same shape: Reconcile loads the object, builds a scope,
// defers one status patch, and runs an ordered slice of phase functions
// (runPhases); conditions are set through internal/conditions by pure setters in
// <kind>_status.go and the phase is derived from them in one function per kind.
// Children are rendered from the kind's Helm chart and applied by internal/render.
//
// Shared pieces a new reconciler should reuse:
//   - Options (rendering engine, applier, images, SSRF policy) and Setup, which registers
//     indexes and every reconciler with a manager; CacheOptions and NewScheme for the manager.
//   - index.go: field indexes on groupRef, toolConfigRef and externalAuthConfigRef and
//     mapByIndex, which turns a referenced object into requests for its referrers.
//   - runPhases and patchStatus in phases.go.
package controllers

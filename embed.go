// Package mcpoperator carries the repository-root files the operator binary embeds.
package mcpoperator

import _ "embed"

// Watches is the default watches.yaml (kind → chart); --watches-file replaces it.
//
//go:embed watches.yaml
var Watches []byte

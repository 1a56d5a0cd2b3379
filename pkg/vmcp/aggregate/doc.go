// Package aggregate merges the tools, resources, resource templates and prompts of
// many backends into the one set a vmcp client sees. It is pure: per-workload
// filters and overrides first, then conflict resolution (prefix, priority, manual),
// with results independent of the order in which backends answered. Every exposed
// item remembers its backend and original name, so calls can be routed back.
package aggregate

// Package inventory diffs the generated CustomResourceDefinitions against the
// inventory of the original system's API (testdata/upstream-api-v0.63.txt: every
// schema path of its 14 kinds with type, enum, default and bounds), so that API
// parity cannot drift: a missing kind, path, type, enum value, short name or
// printer column, or a bound stricter than the original's, fails the test. It
// reads files only and needs no API server.
package inventory

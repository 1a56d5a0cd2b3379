// Package helmcharts embeds the operand Helm charts (one per workload kind) that the
// operator renders with internal/render, and declares the typed values each chart expects.
// Go computes the values; the charts only template. `--charts-dir` replaces this set at
// run time with charts on disk, so an admin can customise them without rebuilding.
package helmcharts

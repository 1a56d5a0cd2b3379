package helmcharts

import "embed"

// FS holds the operand charts, rooted at this directory (paths "mcpserver/Chart.yaml", …).
// The `all:` prefix keeps the `_helpers.tpl` partials, which a plain pattern would skip.
// A new operand chart is added here with one more `all:<dir>` pattern.
//
//go:embed all:mcpserver all:mcpremoteproxy all:virtualmcpserver all:embeddingserver all:mcpregistry
var FS embed.FS

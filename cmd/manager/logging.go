package main

import (
	"os"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	crzap "sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/mcp-operator/mcp-operator/pkg/logging"
)

// zapOptions are the logger defaults before the --zap-* flags apply: LOG_LEVEL and
// LOG_FORMAT as every binary of the project reads them (pkg/logging), JSON with ISO 8601
// times. The flags, parsed later, override them.
func zapOptions() crzap.Options {
	return crzap.Options{
		Development: strings.EqualFold(os.Getenv("LOG_FORMAT"), "console"),
		Level:       zap.NewAtomicLevelAt(logging.Level(os.Getenv("LOG_LEVEL"))),
		TimeEncoder: zapcore.ISO8601TimeEncoder,
	}
}

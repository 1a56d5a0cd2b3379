// Package logging builds the zap logger every binary uses, honouring LOG_LEVEL
// (debug, info, warn, error; default info) and LOG_FORMAT (json, console; default json).
package logging

import (
	"os"
	"strings"

	"github.com/go-logr/logr"
	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Level parses a LOG_LEVEL value; unknown or empty values mean info.
func Level(s string) zapcore.Level {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug", "trace":
		return zapcore.DebugLevel
	case "warn", "warning":
		return zapcore.WarnLevel
	case "error":
		return zapcore.ErrorLevel
	default:
		return zapcore.InfoLevel
	}
}

// New returns a zap logger configured from the environment.
func New() *zap.Logger {
	cfg := zap.NewProductionConfig()
	if strings.EqualFold(os.Getenv("LOG_FORMAT"), "console") {
		cfg = zap.NewDevelopmentConfig()
	}
	cfg.Level = zap.NewAtomicLevelAt(Level(os.Getenv("LOG_LEVEL")))
	cfg.Sampling = nil
	cfg.EncoderConfig.TimeKey = "ts"
	cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	l, err := cfg.Build()
	if err != nil {
		return zap.NewNop()
	}
	return l
}

// NewLogr returns the same logger as a logr.Logger (controller-runtime's interface).
func NewLogr() logr.Logger { return zapr.NewLogger(New()) }

package logging

import (
	"testing"

	"go.uber.org/zap/zapcore"
)

func TestLevel(t *testing.T) {
	tests := map[string]zapcore.Level{
		"":        zapcore.InfoLevel,
		"debug":   zapcore.DebugLevel,
		"DEBUG":   zapcore.DebugLevel,
		"warning": zapcore.WarnLevel,
		"error":   zapcore.ErrorLevel,
		"bogus":   zapcore.InfoLevel,
	}
	for in, want := range tests {
		if got := Level(in); got != want {
			t.Errorf("Level(%q) = %v, want %v", in, got, want)
		}
	}
}

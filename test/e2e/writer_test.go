package e2e

import (
	"bytes"
	"sync"
)

var logMu sync.Mutex

// syncWriter prefixes a process's output lines with its name into a shared buffer.
type syncWriter struct {
	buf  *bytes.Buffer
	name string
}

func (w syncWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	for _, line := range bytes.SplitAfter(p, []byte("\n")) {
		if len(line) > 0 {
			w.buf.WriteString(w.name + ": ")
			w.buf.Write(line)
		}
	}
	return len(p), nil
}

// String reads the buffer under the lock.
func logs(b *bytes.Buffer) string {
	logMu.Lock()
	defer logMu.Unlock()
	return b.String()
}

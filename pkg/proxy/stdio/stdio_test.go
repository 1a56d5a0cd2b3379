package stdio

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestSubprocessRoundTripAndExit(t *testing.T) {
	d := &Subprocess{Command: "/bin/sh", Args: []string{"-c", `read -r line; echo "got:$line"; exit 4`}}
	s, err := d.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(s, "hello\n"); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(s).ReadString('\n')
	if err != nil || line != "got:hello\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	if err := s.Close(); err == nil || !strings.Contains(err.Error(), "exit status 4") {
		t.Fatalf("Close = %v, want the exit status", err)
	}
}

func TestSubprocessEOFWhenKilledWithChildren(t *testing.T) {
	// The shell's background child keeps stdout open; the process group kill must end it.
	d := &Subprocess{Command: "/bin/sh", Args: []string{"-c", `sleep 30 & echo ready; exit 0`}}
	s, err := d.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(s); done <- err }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("no EOF after the server exited: a leftover child holds stdout")
	}
	s.Close()
}

func TestSubprocessBadCommand(t *testing.T) {
	if _, err := (&Subprocess{Command: "/does/not/exist"}).Dial(context.Background()); err == nil || !strings.Contains(err.Error(), "/does/not/exist") {
		t.Fatalf("Dial = %v", err)
	}
	if _, err := (&Subprocess{}).Dial(context.Background()); err == nil {
		t.Fatal("empty command accepted")
	}
}

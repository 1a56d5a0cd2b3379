package stdio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Stream is one open connection to a stdio MCP server: reading returns the server's
// stdout, writing feeds its stdin. Close ends the connection (and, for a subprocess,
// the process); it returns why the stream ended when that is known.
type Stream interface {
	io.Reader
	io.Writer
	io.Closer
}

// Dialer opens a Stream. The bridge calls Dial again, with backoff, whenever the
// previous stream ends.
type Dialer interface {
	Dial(ctx context.Context) (Stream, error)
	// String describes the target for logs and health messages.
	String() string
}

// Subprocess runs a stdio MCP server as a child process.
type Subprocess struct {
	// Command and Args are the program to run.
	Command string
	Args    []string
	// Env is added to the proxy's own environment.
	Env []string
	// Dir is the working directory ("" = the proxy's).
	Dir string
	// Stderr receives the server's stderr (nil = discarded).
	Stderr io.Writer
}

// String implements Dialer.
func (s *Subprocess) String() string {
	return "subprocess " + strings.Join(append([]string{s.Command}, s.Args...), " ")
}

// Dial starts the process. The process lives until the stream is closed or it exits.
func (s *Subprocess) Dial(ctx context.Context) (Stream, error) {
	if s.Command == "" {
		return nil, errors.New("stdio subprocess: no command given")
	}
	cmd := exec.Command(s.Command, s.Args...)
	cmd.Env = append(os.Environ(), s.Env...)
	cmd.Dir = s.Dir
	cmd.Stderr = s.Stderr
	// A process group, so that closing the stream also ends the server's children
	// (npx, shells) instead of leaving them orphaned.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Our own pipes rather than StdinPipe/StdoutPipe: exec.Cmd.Wait closes those,
	// racing with the reader; with plain pipes the reader sees EOF once every writer
	// (the server and anything it spawned) is gone.
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("stdio subprocess: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("stdio subprocess: %w", err)
	}
	cmd.Stdin, cmd.Stdout = inR, outW
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("stdio subprocess: start %s: %w", s.Command, err)
	}
	p := &process{cmd: cmd, stdin: inW, stdout: outR, exited: make(chan struct{})}
	go p.wait()
	return p, nil
}

// process is a running child as a Stream.
type process struct {
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File

	exited  chan struct{}
	waitErr error
	once    sync.Once
}

func (p *process) wait() {
	p.waitErr = p.cmd.Wait()
	// Kill what the server left behind in its group so that the last writer of
	// stdout goes away and the reader sees EOF.
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	close(p.exited)
}

// Pid returns the process id (tests kill it to simulate a crash).
func (p *process) Pid() int { return p.cmd.Process.Pid }

func (p *process) Read(b []byte) (int, error)  { return p.stdout.Read(b) }
func (p *process) Write(b []byte) (int, error) { return p.stdin.Write(b) }

// Close closes stdin, gives the server a moment to exit on its own, then kills its
// process group. It returns the exit status.
func (p *process) Close() error {
	p.once.Do(func() {
		_ = p.stdin.Close()
		select {
		case <-p.exited:
		case <-time.After(2 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.exited
		}
		_ = p.stdout.Close()
	})
	if p.waitErr != nil {
		return fmt.Errorf("process exited: %w", p.waitErr)
	}
	return nil
}

// Exited reports whether the process has ended, and its status.
func (p *process) Exited() (bool, error) {
	select {
	case <-p.exited:
		return true, p.waitErr
	default:
		return false, nil
	}
}

package toolreport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
)

// InProcess serves h to an http.Client over in-memory connections, so the
// reporter can reach the proxy's bridge without a port and without passing
// through the authentication and policy that guard the proxy's clients.
// Call the returned stop function to end the server.
func InProcess(h http.Handler) (*http.Client, func()) {
	l := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	client := &http.Client{Transport: &http.Transport{
		DialContext: l.dial,
		// One session: a few connections (POST + standalone GET) suffice.
		MaxIdleConnsPerHost: 4,
	}}
	return client, func() { _ = srv.Close() }
}

// pipeListener hands out the server ends of net.Pipe connections.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

var errClosed = errors.New("in-process listener closed")

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	var err error
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		err = errClosed
	case <-ctx.Done():
		err = ctx.Err()
	}
	_, _ = client.Close(), server.Close()
	return nil, err
}

// Accept implements net.Listener.
func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, errClosed
	}
}

// Close implements net.Listener.
func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr implements net.Listener.
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "in-process" }

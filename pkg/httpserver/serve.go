package httpserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// DefaultShutdownTimeout is how long Serve waits for in-flight requests after ctx ends.
const DefaultShutdownTimeout = 30 * time.Second

// Serve runs srv on l until ctx is done, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish (up to shutdownTimeout, 0 = default)
// and returns. It returns nil after a clean shutdown.
func Serve(ctx context.Context, srv *http.Server, l net.Listener, shutdownTimeout time.Duration) error {
	if shutdownTimeout <= 0 {
		shutdownTimeout = DefaultShutdownTimeout
	}
	if srv.ReadHeaderTimeout == 0 {
		srv.ReadHeaderTimeout = 10 * time.Second
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

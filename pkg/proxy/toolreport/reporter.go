package toolreport

import (
	"context"
	"errors"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"
)

// Defaults of Options.
const (
	DefaultResync     = 5 * time.Minute
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = time.Minute
)

// Store is where the tool names go (Status in production).
type Store interface {
	Current(ctx context.Context) ([]string, error)
	Apply(ctx context.Context, tools []string) error
}

// Options configure a Reporter.
type Options struct {
	Upstream Upstream
	Store    Store
	Logger   *zap.Logger
	// Show maps a server tool name to the name clients see through the proxy's
	// tool view, or false when the view hides it (nil = names unchanged).
	Show func(name string) (string, bool)
	// Resync lists again this often even without a change notification.
	Resync time.Duration
	// MinBackoff and MaxBackoff bound the retry delay after a failure.
	MinBackoff, MaxBackoff time.Duration
}

// Reporter keeps status.tools equal to the upstream's tool names.
type Reporter struct {
	opts Options
	log  *zap.Logger
	// last is what the object is known to hold; known is false until read or written.
	last  []string
	known bool
}

// New returns a Reporter; call Run.
func New(opts Options) *Reporter {
	if opts.Resync <= 0 {
		opts.Resync = DefaultResync
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(DefaultMaxBackoff, opts.MinBackoff)
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Reporter{opts: opts, log: log}
}

// Run reports until ctx ends, reconnecting with backoff after any failure.
func (r *Reporter) Run(ctx context.Context) {
	delay := r.opts.MinBackoff
	for ctx.Err() == nil {
		err := r.session(ctx)
		if ctx.Err() != nil {
			return
		}
		r.log.Info("Tool report failed; retrying", zap.Error(err), zap.Duration("in", delay))
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, r.opts.MaxBackoff)
		if err == nil {
			delay = r.opts.MinBackoff
		}
	}
}

// session connects once and reports on every change until the session ends.
func (r *Reporter) session(ctx context.Context) error {
	changed := make(chan struct{}, 1)
	s, err := r.opts.Upstream.connect(ctx, changed)
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	ended := make(chan error, 1)
	go func() { ended <- s.Wait() }()
	t := time.NewTicker(r.opts.Resync)
	defer t.Stop()
	for {
		if err := r.syncOnce(ctx, s); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-ended:
			return errors.Join(errors.New("MCP session ended"), err)
		case <-changed:
		case <-t.C:
		}
	}
}

// syncOnce lists the tools and writes them if they differ from the object's.
func (r *Reporter) syncOnce(ctx context.Context, s *mcp.ClientSession) error {
	tools, err := listTools(ctx, s, r.opts.Show)
	if err != nil {
		return err
	}
	return r.report(ctx, tools)
}

// report writes tools (normalized) unless the object already holds them.
func (r *Reporter) report(ctx context.Context, tools []string) error {
	if !r.known {
		cur, err := r.opts.Store.Current(ctx)
		if err != nil {
			r.log.Info("Could not read status.tools; applying anyway", zap.Error(err))
		} else {
			r.last, r.known = cur, true
		}
	}
	if !NeedsApply(r.last, r.known, tools) {
		return nil
	}
	if err := r.opts.Store.Apply(ctx, tools); err != nil {
		// Unknown again: the write may or may not have landed.
		r.known = false
		if isPermanent(err) {
			r.log.Error("Cannot write status.tools; check the proxy's Role", zap.Error(err))
		}
		return err
	}
	r.last, r.known = tools, true
	r.log.Info("Reported tools", zap.Int("count", len(tools)))
	return nil
}

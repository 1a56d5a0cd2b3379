// Command vmcp is the Virtual MCP Server gateway: it serves the aggregated tools,
// resources and prompts of the backends in its config file at /mcp.
//
//	vmcp serve --config FILE [--host 127.0.0.1] [--port 4483]
//	vmcp validate --config FILE
//	vmcp version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/logging"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/gateway"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s"
)

const usage = `usage:
  vmcp serve --config FILE [--host 127.0.0.1] [--port 4483]
  vmcp validate --config FILE
  vmcp version
`

// vmcp runs with Go's default GOGC=100. (It used GOGC=400 while every call
// went through the SDK's decoding, ~330 KB per call; the fast paths allocate
// ~13 KB per call, and GOGC=400 let 10,000 idle sessions take 315 MB of RSS
// instead of 183 MB.)
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, "vmcp", gateway.Version)
		return 0
	case "validate":
		return validate(args[1:], stdout, stderr)
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
		return 2
	}
}

func validate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "vmcp config file (YAML or JSON)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprint(stderr, "--config is required\n", usage)
		return 2
	}
	if _, err := config.Load(*path); err != nil {
		fmt.Fprintf(stderr, "%s is invalid:\n%v\n", *path, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s is valid\n", *path)
	return 0
}

func serve(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "vmcp config file (YAML or JSON)")
	host := fs.String("host", "127.0.0.1", "address to listen on (the operator passes 0.0.0.0)")
	port := fs.Int("port", 4483, "port to listen on")
	allowedHosts := fs.String("allowed-hosts", os.Getenv(envAllowedHosts), "comma-separated Host names accepted besides loopback names and IP literals (\"*\" = any; default "+envAllowedHosts+", or the VirtualMCPServer's Service names in Kubernetes mode)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprint(stderr, "--config is required\n", usage)
		return 2
	}
	log := logging.New()
	defer func() { _ = log.Sync() }()
	servePprof(log)
	if err := serveConfig(ctx, *path, net.JoinHostPort(*host, strconv.Itoa(*port)), httpserver.SplitHosts(*allowedHosts), log); err != nil {
		log.Error("vmcp stopped", zap.Error(err))
		return 1
	}
	return 0
}

func serveConfig(ctx context.Context, path, addr string, allowedHosts []string, log *zap.Logger) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	opts := gateway.Options{Config: cfg, Logger: log}
	// --- Kubernetes mode (pkg/vmcp/k8s): with VMCP_NAME and VMCP_NAMESPACE set, backends
	// come from the VirtualMCPServer's group and backend health is written to its status.
	kube, err := k8s.FromEnv(ctx, cfg, log)
	if err != nil {
		return err
	}
	if kube != nil {
		opts.Source = kube.Source()
	}
	// --- end Kubernetes mode
	g, err := gateway.New(opts)
	if err != nil {
		return err
	}
	go func() {
		g.Start(ctx)
		releaseStartupMemory(ctx, g)
	}()
	if kube != nil { // Kubernetes mode: status reporting
		go kube.ReportStatus(ctx, g)
	}
	defer g.Close()
	host, _, _ := net.SplitHostPort(addr)
	guard := hostGuard(host, allowedHosts)
	handler, err := incomingHandler(ctx, cfg, g, guard) // incomingAuth: anonymous or OIDC (incoming.go)
	if err != nil {
		return err
	}
	srv := gateway.NewHTTPServer(handler)
	// Client sessions hold long-lived SSE streams that would keep Shutdown waiting
	// for its whole timeout; closing a session lets its in-flight calls finish first.
	srv.RegisterOnShutdown(g.CloseSessions)
	if port := g.MetricsPort(); port != 0 {
		stop, err := serveMetrics(ctx, net.JoinHostPort(host, strconv.Itoa(port)), g.MetricsHandler(), log)
		if err != nil {
			return err
		}
		defer stop()
	}
	log.Info("vmcp listening", zap.String("address", l.Addr().String()), zap.Int("backends", len(g.Snapshots())))
	if err := httpserver.Serve(ctx, srv, l, 0); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// releaseStartupMemory returns the garbage of the start-up burst (package
// initialisation, config parsing, the initial discovery of every backend and the
// rediscoveries backends ask for as soon as vmcp's session opens) to the OS,
// once. An idle vmcp allocates almost nothing, so the runtime would not collect
// it before its heap reached the 4 MB minimum goal, and its scavenger keeps what
// is below that goal: measured with one server-everything backend, RssAnon stays
// at 6.7 MB after 135 s without this, 4.9-5.6 MB with it. Memory taken later
// (sessions, calls) is managed by the runtime as usual.
func releaseStartupMemory(ctx context.Context, g *gateway.Gateway) {
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	g.WaitRediscoveries(wctx)
	if ctx.Err() == nil {
		debug.FreeOSMemory()
	}
}

// serveMetrics serves /metrics alone on addr (telemetry.prometheusPort) until ctx ends;
// stop waits for it to end.
func serveMetrics(ctx context.Context, addr string, h http.Handler, log *zap.Logger) (stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("telemetry.prometheusPort: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", h)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := httpserver.Serve(ctx, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, l, 0); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("Metrics listener stopped", zap.Error(err))
		}
	}()
	log.Info("vmcp metrics listening", zap.String("address", l.Addr().String()))
	return func() { <-done }, nil
}

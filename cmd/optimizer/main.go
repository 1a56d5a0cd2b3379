// Command optimizer is the standalone MCP Optimizer in Kubernetes mode
// (seed 002, pkg/mcpoptimizer): it watches MCPServers, ingests the tools of
// the running ones and serves find_tool / call_tool at :MCP_PORT/mcp
// (Streamable HTTP) and /sse. Configured by the environment: RUNTIME_MODE=k8s,
// K8S_API_SERVER_URL, K8S_NAMESPACE, K8S_ALL_NAMESPACES, ALLOWED_GROUPS,
// MCP_PORT, INGESTION_INTERVAL, and optionally EMBEDDING_SERVICE (a TEI URL)
// with EMBEDDING_PROVIDER, EMBEDDING_MODEL, MAX_TOOLS_TO_RETURN.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/logging"
	"github.com/mcp-operator/mcp-operator/pkg/mcpoptimizer"
	"github.com/mcp-operator/mcp-operator/pkg/version"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	vmcpoptimizer "github.com/mcp-operator/mcp-operator/pkg/vmcp/optimizer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "version") {
		fmt.Println("optimizer", version.Version)
		return
	}
	if err := run(ctx, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "optimizer:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	log := logging.New()
	env, err := mcpoptimizer.ParseEnv(getenv)
	if err != nil {
		return err
	}
	if !env.AllNamespaces && env.Namespace == "" {
		env.Namespace = mcpoptimizer.PodNamespace()
		if env.Namespace == "" {
			env.Namespace = "default"
		}
	}
	restCfg, how, err := mcpoptimizer.RestConfig(env, getenv)
	if err != nil {
		return err
	}
	log.Info("Kubernetes mode", zap.String("apiServer", restCfg.Host), zap.String("via", how),
		zap.Bool("allNamespaces", env.AllNamespaces), zap.String("namespace", env.Namespace), zap.Strings("allowedGroups", env.AllowedGroups))
	opt, err := optimizerConfig(getenv)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	adapter, err := vmcpoptimizer.New(opt, log, reg)
	if err != nil {
		return err
	}
	in := &mcpoptimizer.Ingester{Adapter: adapter, Log: log, AllNamespaces: env.AllNamespaces}
	defer in.Close()
	server := mcpoptimizer.NewServer(in, version.Version)
	mux := http.NewServeMux()
	mux.Handle("/mcp", mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil))
	mux.Handle("/sse", mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return server }, nil))
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	l, err := net.Listen("tcp", ":"+strconv.Itoa(env.Port))
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	log.Info("Serving find_tool and call_tool", zap.String("address", l.Addr().String()))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- httpserver.Serve(ctx, srv, l, 5*time.Second) }()
	go func() { errs <- mcpoptimizer.Run(ctx, restCfg, env, in, log) }()
	return <-errs
}

// optimizerConfig is the search configuration from the environment.
func optimizerConfig(getenv func(string) string) (*config.Optimizer, error) {
	o := &config.Optimizer{
		EmbeddingService: getenv("EMBEDDING_SERVICE"), EmbeddingProvider: config.EmbeddingProvider(getenv("EMBEDDING_PROVIDER")),
		EmbeddingModel: getenv("EMBEDDING_MODEL"), HybridSearchSemanticRatio: getenv("HYBRID_SEARCH_SEMANTIC_RATIO"),
	}
	if v := getenv("MAX_TOOLS_TO_RETURN"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			return nil, fmt.Errorf("MAX_TOOLS_TO_RETURN=%q is not 1 to 50", v)
		}
		n32 := int32(n)
		o.MaxToolsToReturn = &n32
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

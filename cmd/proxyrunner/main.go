// Command proxyrunner fronts one MCP server: it bridges a stdio server (a local
// subprocess, or a pod's stdin/stdout through pods/attach) to Streamable HTTP or
// SSE, or reverse-proxies an HTTP/SSE server or a remote MCP server.
//
//	proxyrunner --config /etc/proxyrunner/runconfig.yaml
//	proxyrunner --transport stdio --proxy-mode streamable-http --port 8080 -- node server.js
//	proxyrunner --transport streamable-http --target http://127.0.0.1:3001/mcp --port 8080
//	proxyrunner version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/logging"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runner"
	"github.com/mcp-operator/mcp-operator/pkg/version"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "proxyrunner:", err)
		os.Exit(1)
	}
}

// listFlag is a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// flags are the command line; set ones override the config file.
type flags struct {
	fs                           *flag.FlagSet
	config, name, namespace      string
	transport, proxyMode, host   string
	port                         int
	target, pod, container       string
	headers, headerEnv           listFlag
	allowedHosts, allowedOrigins listFlag
	maxBody                      int64
	shutdownTimeout              time.Duration
	showVersion, reportTools     bool
	command                      []string
}

func parseFlags(args []string, out io.Writer) (*flags, error) {
	f := &flags{fs: flag.NewFlagSet("proxyrunner", flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(out)
	fs.StringVar(&f.config, "config", "", "runconfig YAML file (the operator mounts it from ConfigMap <name>-runconfig)")
	fs.StringVar(&f.name, "name", "", "name of the MCPServer / MCPRemoteProxy (attach target defaults to pod <name>-0)")
	fs.StringVar(&f.namespace, "namespace", "", "namespace of the pod to attach to (default: POD_NAMESPACE or the pod's own)")
	fs.StringVar(&f.transport, "transport", "", "MCP server transport: stdio, streamable-http or sse")
	fs.StringVar(&f.proxyMode, "proxy-mode", "", "how a stdio server is exposed: streamable-http (/mcp) or sse (/sse)")
	fs.StringVar(&f.host, "host", "", "listen address (default 0.0.0.0 with --config, else 127.0.0.1)")
	fs.IntVar(&f.port, "port", 0, "listen port (proxyPort, default 8080)")
	fs.StringVar(&f.target, "target", "", "upstream URL of an HTTP/SSE server or remote MCP server")
	fs.StringVar(&f.pod, "pod", "", "pod to attach to (stdio)")
	fs.StringVar(&f.container, "container", "", "container to attach to (default mcp)")
	fs.Var(&f.headers, "header", "Name=Value header added upstream (repeatable)")
	fs.Var(&f.headerEnv, "header-env", "Name=ENV_VAR header whose value is read from the environment (repeatable)")
	fs.Var(&f.allowedHosts, "allowed-host", "extra Host header value accepted (repeatable)")
	fs.Var(&f.allowedOrigins, "allowed-origin", "extra Origin accepted (repeatable)")
	fs.Int64Var(&f.maxBody, "max-body-bytes", 0, "request body limit (0 = 4 MiB)")
	fs.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 30*time.Second, "graceful shutdown timeout")
	fs.BoolVar(&f.reportTools, "report-tools", false, "write the server's tool names into MCPServer <name>.status.tools (reportTools)")
	fs.BoolVar(&f.showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	f.command = fs.Args()
	if len(f.command) > 0 && f.command[0] == "version" && !hasDashDash(args) {
		f.showVersion, f.command = true, nil
	}
	return f, nil
}

func hasDashDash(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return true
		}
	}
	return false
}

// buildConfig loads the config file (if any) and applies the flags that were set.
func buildConfig(f *flags) (*runconfig.Config, error) {
	cfg := &runconfig.Config{}
	if f.config != "" {
		data, err := os.ReadFile(f.config)
		if err != nil {
			return nil, fmt.Errorf("reading config: %w", err)
		}
		if cfg, err = runconfig.Decode(data); err != nil {
			return nil, err
		}
	} else if f.host == "" {
		f.host = "127.0.0.1"
	}
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	str := func(name string, dst *string, v string) {
		if set[name] {
			*dst = v
		}
	}
	str("name", &cfg.Name, f.name)
	str("namespace", &cfg.Namespace, f.namespace)
	str("transport", &cfg.Transport, f.transport)
	str("proxy-mode", &cfg.ProxyMode, f.proxyMode)
	str("target", &cfg.Target, f.target)
	if f.host != "" {
		cfg.Host = f.host
	}
	if set["report-tools"] {
		cfg.ReportTools = f.reportTools
	}
	if set["port"] {
		cfg.ProxyPort = int32(f.port)
	}
	if set["pod"] || set["container"] || len(f.command) > 0 {
		if cfg.Stdio == nil {
			cfg.Stdio = &runconfig.Stdio{}
		}
		str("pod", &cfg.Stdio.Pod, f.pod)
		str("container", &cfg.Stdio.Container, f.container)
		if len(f.command) > 0 {
			cfg.Stdio.Command, cfg.Stdio.Args = f.command[0], f.command[1:]
			cfg.Stdio.Pod = ""
			if !set["transport"] && cfg.Transport == "" {
				cfg.Transport = runconfig.TransportStdio
			}
		}
	}
	if err := applyHeaders(cfg, f); err != nil {
		return nil, err
	}
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

func applyHeaders(cfg *runconfig.Config, f *flags) error {
	if len(f.headers)+len(f.headerEnv) == 0 {
		return nil
	}
	if cfg.HeaderForward == nil {
		cfg.HeaderForward = &runconfig.HeaderForward{}
	}
	hf := cfg.HeaderForward
	for _, kv := range f.headers {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("--header %q: want Name=Value", kv)
		}
		if hf.Plaintext == nil {
			hf.Plaintext = map[string]string{}
		}
		hf.Plaintext[k] = v
	}
	for _, kv := range f.headerEnv {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("--header-env %q: want Name=ENV_VAR", kv)
		}
		if hf.FromEnv == nil {
			hf.FromEnv = map[string]string{}
		}
		hf.FromEnv[k] = v
	}
	return nil
}

func run(args []string, out io.Writer) error {
	f, err := parseFlags(args, out)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if f.showVersion {
		fmt.Fprintln(out, "proxyrunner", version.Version)
		return nil
	}
	cfg, err := buildConfig(f)
	if err != nil {
		return err
	}
	log := logging.New()
	defer func() { _ = log.Sync() }()
	r, err := runner.New(cfg, runner.Options{
		Logger: log, AllowedHosts: f.allowedHosts, AllowedOrigins: f.allowedOrigins,
		MaxBodyBytes: f.maxBody, ShutdownTimeout: f.shutdownTimeout,
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("Starting proxy runner", zap.String("version", version.Version), zap.String("name", cfg.Name))
	return r.Run(ctx, nil)
}

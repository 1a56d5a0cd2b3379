package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"
	"time"

	"k8s.io/client-go/rest"

	"github.com/mcp-operator/mcp-operator/internal/mcptools"
)

func runTools(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf clusterFlags
	cf.register(fs)
	url := fs.String("url", "", "connect to this MCP URL instead of the apiserver's service proxy (e.g. after kubectl port-forward)")
	timeout := fs.Duration("timeout", 30*time.Second, "time limit")
	if err := fs.Parse(reorder(args)); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "tools: NAME of a VirtualMCPServer or MCPServer is required")
		return 2
	}
	cfg, cl, ns, err := cf.connect()
	if err != nil {
		fmt.Fprintln(stderr, "tools:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	t, err := mcptools.Resolve(ctx, cl, ns, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "tools:", err)
		return 1
	}
	endpoint, hc := *url, http.DefaultClient
	if endpoint == "" {
		endpoint = mcptools.ServiceProxyURL(cfg, ns, t)
		if hc, err = rest.HTTPClientFor(cfg); err != nil {
			fmt.Fprintln(stderr, "tools:", err)
			return 2
		}
	}
	tools, err := mcptools.List(ctx, hc, endpoint, t.Attribution)
	if err != nil {
		fmt.Fprintf(stderr, "tools: %s %s: %v\n", t.Kind, fs.Arg(0), err)
		return 1
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TOOL\tBACKEND\tDESCRIPTION")
	for _, tool := range tools {
		b := tool.Backend
		if b == "" {
			b = "?"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", tool.Name, b, firstLine(tool.Description))
	}
	_ = w.Flush()
	return 0
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

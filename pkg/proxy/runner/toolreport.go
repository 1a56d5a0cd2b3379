package runner

import (
	"context"
	"net/http"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/kubeapi"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/mcpauthz/toolview"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/reverse"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/streamable"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/toolreport"
)

// startToolReport reports the server's tool names into its MCPServer's
// status.tools until ctx ends, when the config asks for it and a cluster is
// reachable; otherwise it logs why not and does nothing. The returned function
// waits for the reporter to stop.
func (r *Runner) startToolReport(ctx context.Context) func() {
	noop := func() {}
	if !r.cfg.ReportTools {
		return noop
	}
	ns := r.cfg.PodNamespace()
	restCfg, err := kubeapi.RESTConfig()
	if err == nil {
		var st *toolreport.Status
		if st, err = toolreport.NewStatus(restCfg, r.cfg.Name, ns); err == nil {
			return r.runToolReport(ctx, st)
		}
	}
	r.log.Info("Not reporting tools to the MCPServer status", zap.Error(err))
	return noop
}

func (r *Runner) runToolReport(ctx context.Context, st *toolreport.Status) func() {
	up, stopUp, err := r.toolUpstream(ctx)
	if err != nil {
		r.log.Info("Not reporting tools to the MCPServer status", zap.Error(err))
		return func() {}
	}
	view, _ := toolview.New(r.cfg.ToolsFilter, overrides(r.cfg.ToolsOverride)) // validated in New
	rep := toolreport.New(toolreport.Options{
		Upstream: up, Store: st, Logger: r.log.Named("toolreport"),
		Show: func(name string) (string, bool) {
			if view == nil {
				return name, true
			}
			n, _, ok := view.Show(name, "")
			return n, ok
		},
	})
	done := make(chan struct{})
	go func() { defer close(done); rep.Run(ctx); stopUp() }()
	return func() { <-done }
}

// toolUpstream is the reporter's own way to the MCP server: through the stdio
// bridge in-process (its own session, not guarded by client auth), or straight
// to the HTTP/SSE server with the forwarded headers.
func (r *Runner) toolUpstream(ctx context.Context) (toolreport.Upstream, func(), error) {
	if r.bridge != nil {
		h := streamable.New(r.bridge, streamable.Options{Logger: r.log})
		hctx, cancel := context.WithCancel(ctx)
		go h.Run(hctx)
		client, stop := toolreport.InProcess(h)
		return toolreport.Upstream{Endpoint: "http://proxyrunner.in-process/mcp", HTTPClient: client, SharedSession: true},
			func() { h.CloseAll(); cancel(); stop() }, nil
	}
	var plain, env map[string]string
	if hf := r.cfg.HeaderForward; hf != nil {
		plain, env = hf.Plaintext, hf.FromEnv
	}
	headers, err := reverse.ResolveHeaders(plain, env)
	if err != nil {
		return toolreport.Upstream{}, nil, err
	}
	client := &http.Client{Transport: headerTransport{headers: headers, next: http.DefaultTransport}}
	return toolreport.Upstream{Endpoint: r.cfg.Target, SSE: r.cfg.Transport == runconfig.TransportSSE, HTTPClient: client},
		func() {}, nil
}

// headerTransport adds the configured upstream headers to every request.
type headerTransport struct {
	headers http.Header
	next    http.RoundTripper
}

func (t headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range t.headers {
		req.Header[k] = v
	}
	return t.next.RoundTrip(req)
}

package optimizer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	search "github.com/mcp-operator/mcp-operator/pkg/optimizer"
	"github.com/mcp-operator/mcp-operator/pkg/optimizer/embedding"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// The two tools of optimizer mode.
const (
	FindToolName = "find_tool"
	CallToolName = "call_tool"
)

// CompositeServer is the server name composite tools are indexed under.
const CompositeServer = "composite"

// IsMetaTool reports whether name is find_tool or call_tool: they are the
// gateway's own, authorised through the tools they find and call.
func IsMetaTool(name string) bool { return name == FindToolName || name == CallToolName }

// Entry is one tool a client may reach through call_tool.
type Entry struct {
	// Server is the backend offering it, or CompositeServer.
	Server string
	// Tool is its definition under its exposed name.
	Tool *mcp.Tool
	// Original is the tool's name on its server, when it differs from the
	// exposed name (the standalone optimizer calls the server itself).
	Original string
}

// Adapter is the optimizer of one gateway.
type Adapter struct {
	ix     *search.Index
	max    int
	log    *zap.Logger
	semUp  prometheus.Gauge
	misses prometheus.Counter

	mu    sync.Mutex
	tools map[string]Entry  // exposed name → entry
	sigs  map[string]string // server → hash of its tool set
}

// New builds the adapter for cfg; reg receives its metrics.
func New(cfg *config.Optimizer, log *zap.Logger, reg prometheus.Registerer) (*Adapter, error) {
	ratio, err := cfg.SemanticRatio()
	if err != nil {
		return nil, fmt.Errorf("optimizer: %w", err)
	}
	threshold, err := cfg.DistanceThreshold()
	if err != nil {
		return nil, fmt.Errorf("optimizer: %w", err)
	}
	opts := search.Options{SemanticRatio: ratio, DistanceThreshold: threshold}
	if cfg.EmbeddingService != "" {
		headers := map[string]string{}
		for k, v := range cfg.EmbeddingHeaders {
			headers[k] = string(v)
		}
		opts.Embedder = &embedding.Client{
			URL: cfg.EmbeddingService, Provider: embedding.Provider(cfg.EmbeddingProvider),
			Model: cfg.EmbeddingModel, Headers: headers, Timeout: cfg.EmbeddingTimeout(), Retries: 2,
		}
	}
	a := &Adapter{
		ix: search.New(opts), max: cfg.MaxTools(), log: log,
		tools: map[string]Entry{}, sigs: map[string]string{},
		semUp: prometheus.NewGauge(prometheus.GaugeOpts{Name: "vmcp_optimizer_semantic_available",
			Help: "1 while find_tool's semantic arm answers, 0 while searches fall back to keywords only (no embedding service configured: -1)."}),
		misses: prometheus.NewCounter(prometheus.CounterOpts{Name: "vmcp_optimizer_semantic_fallbacks_total",
			Help: "find_tool searches answered by the keyword arm alone because the embedding service failed."}),
	}
	if opts.Embedder == nil {
		a.semUp.Set(-1)
		if cfg.HybridSearchSemanticRatio != "" || cfg.SemanticDistanceThreshold != "" || cfg.EmbeddingModel != "" {
			log.Warn("Optimizer semantic settings have no effect without embeddingService (or spec.embeddingServerRef): find_tool searches by keyword only",
				zap.String("hybridSearchSemanticRatio", cfg.HybridSearchSemanticRatio), zap.String("semanticDistanceThreshold", cfg.SemanticDistanceThreshold))
		}
	} else {
		a.semUp.Set(1)
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{a.semUp, a.misses} {
			if err := reg.Register(c); err != nil && !errors.As(err, new(prometheus.AlreadyRegisteredError)) {
				return nil, fmt.Errorf("optimizer metrics: %w", err)
			}
		}
	}
	return a, nil
}

// Tools are the definitions of find_tool and call_tool.
func Tools() []*mcp.Tool {
	return []*mcp.Tool{
		{
			Name: FindToolName,
			Description: "Find the tools for a task among all the tools this server can reach. " +
				"Describe the task in tool_description; optionally give tool_keywords. Returns the best matching tool " +
				"definitions (name, description, inputSchema), best first; call one with call_tool.",
			InputSchema: json.RawMessage(`{"type":"object","properties":{` +
				`"tool_description":{"type":"string","description":"The task, in natural language."},` +
				`"tool_keywords":{"type":"array","items":{"type":"string"},"description":"Extra search keywords."}},` +
				`"required":["tool_description"]}`),
		},
		{
			Name:        CallToolName,
			Description: "Call a tool found with find_tool: tool_name is its name, parameters its arguments (an object matching its inputSchema).",
			InputSchema: json.RawMessage(`{"type":"object","properties":{` +
				`"tool_name":{"type":"string","description":"The name of a tool returned by find_tool."},` +
				`"parameters":{"type":"object","description":"The tool's arguments."}},` +
				`"required":["tool_name"]}`),
		},
	}
}

// Update indexes the gateway's current tools. Only servers whose tool set
// changed are re-analysed (and re-embedded where their text changed).
func (a *Adapter) Update(ctx context.Context, entries []Entry) {
	byServer := map[string][]Entry{}
	tools := map[string]Entry{}
	for _, e := range entries {
		byServer[e.Server] = append(byServer[e.Server], e)
		tools[e.Tool.Name] = e
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	changed := map[string][]search.Tool{}
	for server := range a.sigs {
		if _, ok := byServer[server]; !ok {
			changed[server] = nil
			delete(a.sigs, server)
		}
	}
	for server, es := range byServer {
		sig := signature(es)
		if a.sigs[server] == sig {
			continue
		}
		a.sigs[server] = sig
		docs := make([]search.Tool, 0, len(es))
		for _, e := range es {
			docs = append(docs, search.Tool{Name: e.Tool.Name, Title: e.Tool.Title,
				Description: e.Tool.Description, Params: search.ParamsFromSchema(e.Tool.InputSchema)})
		}
		changed[server] = docs
	}
	if len(changed) > 0 {
		if err := a.ix.SetServers(ctx, changed); err != nil {
			a.log.Warn("Embedding tools failed; they are searchable by keyword", zap.Error(err))
		}
	}
	a.tools = tools
}

func signature(es []Entry) string {
	raws := make([]string, 0, len(es))
	for _, e := range es {
		b, _ := json.Marshal(e.Tool)
		raws = append(raws, string(b))
	}
	sort.Strings(raws)
	h := sha256.New()
	for _, r := range raws {
		h.Write([]byte(r))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Lookup returns the entry of an exposed tool name.
func (a *Adapter) Lookup(name string) (Entry, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.tools[name]
	return e, ok
}

// Len is the number of tools in the index.
func (a *Adapter) Len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.tools)
}

// FindArgs are find_tool's arguments.
type FindArgs struct {
	ToolDescription string   `json:"tool_description"`
	ToolKeywords    []string `json:"tool_keywords,omitempty"`
}

// TokenMetrics compares what the caller's full tools/list would cost with
// what find_tool returned, in estimated tokens (JSON bytes / 4).
type TokenMetrics struct {
	BaselineTokens    int     `json:"baseline_tokens"`
	ReturnedTokens    int     `json:"returned_tokens"`
	TokensSaved       int     `json:"tokens_saved"`
	SavingsPercentage float64 `json:"savings_percentage"`
}

// FindResult is find_tool's structured result.
type FindResult struct {
	Tools        []*mcp.Tool  `json:"tools"`
	TokenMetrics TokenMetrics `json:"token_metrics"`
}

// Find runs find_tool; allow hides the tools the caller may not call.
func (a *Adapter) Find(ctx context.Context, raw json.RawMessage, allow func(name string) bool) (*mcp.CallToolResult, error) {
	var args FindArgs
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &args); err != nil {
			return errorResult("find_tool: arguments must be an object with tool_description: %v", err), nil
		}
	}
	if args.ToolDescription == "" && len(args.ToolKeywords) == 0 {
		return errorResult("find_tool: tool_description is required"), nil
	}
	a.mu.Lock()
	tools := a.tools
	a.mu.Unlock()
	res := a.ix.Search(ctx, search.Query{
		Description: args.ToolDescription, Keywords: args.ToolKeywords, Limit: a.max,
		Allow: func(k search.Key) bool { return allow(k.Name) },
	})
	if res.SemanticErr != nil {
		a.misses.Inc()
		a.semUp.Set(0)
		a.log.Warn("Embedding service unavailable; find_tool answers by keyword", zap.Error(res.SemanticErr))
	} else if res.Semantic {
		a.semUp.Set(1)
	}
	out := FindResult{Tools: []*mcp.Tool{}}
	for _, h := range res.Hits {
		if e, ok := tools[h.Name]; ok {
			out.Tools = append(out.Tools, e.Tool)
		}
	}
	var visible []*mcp.Tool
	for name, e := range tools {
		if allow(name) {
			visible = append(visible, e.Tool)
		}
	}
	out.TokenMetrics = metrics(visible, out.Tools)
	text, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("find_tool result: %w", err)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(text)}}, StructuredContent: out}, nil
}

// EstimateTokens estimates the tokens of a tool list as a client would carry
// it: its JSON, at about four bytes a token.
func EstimateTokens(tools []*mcp.Tool) int {
	b, _ := json.Marshal(map[string]any{"tools": tools})
	return (len(b) + 3) / 4
}

func metrics(all, returned []*mcp.Tool) TokenMetrics {
	m := TokenMetrics{BaselineTokens: EstimateTokens(all), ReturnedTokens: EstimateTokens(returned)}
	m.TokensSaved = m.BaselineTokens - m.ReturnedTokens
	if m.BaselineTokens > 0 {
		m.SavingsPercentage = float64(m.TokensSaved) * 100 / float64(m.BaselineTokens)
	}
	return m
}

// CallArgs are call_tool's arguments.
type CallArgs struct {
	ToolName   string          `json:"tool_name"`
	Parameters json.RawMessage `json:"parameters,omitempty"`
}

// ParseCall reads call_tool's arguments.
func ParseCall(raw json.RawMessage) (CallArgs, error) {
	var c CallArgs
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("call_tool: arguments must be an object with tool_name and parameters: %w", err)
	}
	if c.ToolName == "" {
		return c, errors.New("call_tool: tool_name is required")
	}
	if IsMetaTool(c.ToolName) {
		return c, fmt.Errorf("call_tool: %s cannot be called through call_tool", c.ToolName)
	}
	if len(c.Parameters) == 0 || string(c.Parameters) == "null" {
		c.Parameters = json.RawMessage(`{}`)
	}
	return c, nil
}

func errorResult(format string, args ...any) *mcp.CallToolResult {
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf(format, args...)}}}
}

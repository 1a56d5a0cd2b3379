package gateway

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// tools/list from cache. The SDK answers tools/list by copying its tool set
// and encoding every tool and schema again on each call: with 100 backends of
// 50 tools that is ~8 ms of CPU per page of 1,000. The gateway knows when its
// tool set changes (apply), so it encodes the pages once per change and
// answers a session's tools/list with the bytes. The pages are exactly the
// SDK's (same order, page size and cursors), so a client may mix cursors of
// both. Under Cedar policies each caller identity (subject and claims) gets
// the pages of the tools it may see, built on its first list. Requests the
// cache cannot answer as the SDK would (partialFailureMode fail with a backend
// down, token_exchange backends still to discover for this caller, an unknown
// cursor) take the SDK path.

// listPageSize is the page size of the gateway's lists (the SDK's default).
const listPageSize = mcp.DefaultPageSize

// toolPages are the tools/list pages of one tool set, encoded on first use.
type toolPages struct {
	tools []*mcp.Tool // sorted by name
	once  sync.Once
	pages map[string][]byte // result JSON by the name before the page ("" for the first)
	// cursors maps each nextCursor of pages to the name it continues after, so
	// the cursors the gateway handed out are resolved without decoding the gob
	// (a gob decoder compiles its type on every cursor: ~a quarter of a cached
	// page's CPU). Other cursors (the SDK's) are decoded.
	cursors map[string]string
	err     error

	// visible are the pages of the tools each identity may see (Cedar), by identityKey.
	mu      sync.Mutex
	visible map[string]*toolPages
}

// maxCachedIdentities bounds toolPages.visible; past it the cache starts over
// (tokens carry their expiry among their claims, so identities keep coming).
const maxCachedIdentities = 512

// forIdentity returns the pages of the tools that visible admits, for key.
func (p *toolPages) forIdentity(key string, visible func(name string) bool) *toolPages {
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.visible[key]; ok {
		return v
	}
	if p.visible == nil || len(p.visible) >= maxCachedIdentities {
		p.visible = map[string]*toolPages{}
	}
	v := &toolPages{}
	for _, t := range p.tools {
		if visible(t.Name) {
			v.tools = append(v.tools, t)
		}
	}
	p.visible[key] = v
	return v
}

// identityKey names what Cedar decides a caller's list by: its subject and claims.
func identityKey(id *auth.Identity) (string, bool) {
	claims, err := json.Marshal(id.Claims) // map keys sorted: one key per claim set
	if err != nil {
		return "", false
	}
	return id.Subject + "\x00" + string(claims), true
}

// pageToken is the SDK's cursor (a gob of the last name of the previous page,
// base64url): the field name must stay LastUID so cursors are interchangeable.
// (The bytes may differ from the SDK's, gob numbering types per process.)
type pageToken struct {
	LastUID string
}

// decodeCursor returns the name a cursor continues after.
func decodeCursor(cursor string) (string, bool) {
	if cursor == "" {
		return "", true
	}
	data, err := base64.URLEncoding.DecodeString(cursor)
	if err != nil {
		return "", false
	}
	var tok pageToken
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&tok) != nil || tok.LastUID == "" {
		return "", false
	}
	return tok.LastUID, true
}

func encodeCursor(last string) (string, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(pageToken{LastUID: last}); err != nil {
		return "", fmt.Errorf("encoding a list cursor: %w", err)
	}
	return base64.URLEncoding.EncodeToString(buf.Bytes()), nil
}

func newToolPages(listed map[string]*mcp.Tool) *toolPages {
	p := &toolPages{tools: make([]*mcp.Tool, 0, len(listed))}
	for _, t := range listed {
		p.tools = append(p.tools, t)
	}
	slices.SortFunc(p.tools, func(a, b *mcp.Tool) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return p
}

// page returns the encoded result for cursor, encoding all pages on first use;
// ok is false for a cursor that does not start one of this tool set's pages
// (the SDK path then pages from wherever it points, or reports it invalid).
func (p *toolPages) page(cursor string) (data []byte, ok bool, err error) {
	p.once.Do(func() { p.pages, p.cursors, p.err = encodePages(p.tools, listPageSize) })
	if p.err != nil {
		return nil, false, p.err
	}
	after, ok := p.cursors[cursor]
	if !ok {
		if after, ok = decodeCursor(cursor); !ok {
			return nil, false, nil
		}
	}
	data, ok = p.pages[after]
	return data, ok, nil
}

// encodePages encodes tools (sorted) as the SDK pages them: size per page, the
// cursor of a page naming the last tool of the page before. It returns the
// pages by the name before them and the cursors it wrote with their names.
func encodePages(tools []*mcp.Tool, size int) (pages map[string][]byte, cursors map[string]string, err error) {
	pages, cursors = map[string][]byte{}, map[string]string{"": ""}
	after := ""
	for start := 0; start == 0 || start < len(tools); start += size {
		end := min(start+size, len(tools))
		res := &mcp.ListToolsResult{Tools: tools[start:end]}
		res.CacheScope = "public" // as the SDK's default (Cacheable.normalize)
		if res.Tools == nil {
			res.Tools = []*mcp.Tool{}
		}
		next := ""
		if end < len(tools) {
			var err error
			if next, err = encodeCursor(tools[end-1].Name); err != nil {
				return nil, nil, err
			}
			cursors[next] = tools[end-1].Name
		}
		res.NextCursor = next
		data, err := json.Marshal(res)
		if err != nil {
			return nil, nil, fmt.Errorf("encoding tools/list: %w", err)
		}
		pages[after] = data
		if end > 0 {
			after = tools[end-1].Name
		}
	}
	return pages, cursors, nil
}

// publishedTools tracks the tools registered on the MCP server, so the
// tools/list pages can be built from them. Guarded by Gateway.routesMu.
type publishedTools struct {
	listed  map[string]*mcp.Tool
	changed bool
}

// addTool registers t on the server and in the published set.
func (g *Gateway) addTool(t *mcp.Tool, h mcp.ToolHandler) {
	g.invalidateToolList()
	g.server.AddTool(t, h)
	if g.published.listed == nil {
		g.published.listed = map[string]*mcp.Tool{}
	}
	g.published.listed[t.Name] = t
}

// removeTools removes tools from the server and from the published set.
func (g *Gateway) removeTools(names ...string) {
	if len(names) == 0 {
		return
	}
	g.invalidateToolList()
	g.server.RemoveTools(names...)
	for _, n := range names {
		delete(g.published.listed, n)
	}
}

// invalidateToolList drops the cached pages before the server's tool set
// changes: the SDK announces the change, and a client listing again must not
// get the old pages.
func (g *Gateway) invalidateToolList() {
	if !g.published.changed {
		g.published.changed = true
		g.toolList.Store(nil)
	}
}

// publishToolList caches the pages of the current tool set after apply.
func (g *Gateway) publishToolList() {
	if g.published.changed || g.toolList.Load() == nil {
		g.published.changed = false
		g.toolList.Store(newToolPages(g.published.listed))
	}
}

// serveToolList answers a session's tools/list from the cached pages and
// reports whether it did.
func (g *Gateway) serveToolList(w http.ResponseWriter, r *http.Request, body []byte, shape callShape) bool {
	p := g.toolList.Load()
	if p == nil || shape.idEnd == 0 || g.listNeedsSDK() {
		return false
	}
	if _, all := g.authz.(auth.AllowAll); !all {
		id := identityOf(sdkauth.TokenInfoFromContext(r.Context()))
		key, ok := identityKey(id)
		if !ok {
			return false
		}
		ctx := r.Context()
		p = p.forIdentity(key, func(name string) bool { return g.toolVisible(ctx, id, name) })
	}
	data, ok, err := p.page(shape.cursor)
	if err != nil || !ok {
		return false
	}
	// The page is written where it lies, not copied behind the envelope (a
	// page of 1,000 tools is ~150 KB), with its length, so that net/http sends
	// it unchunked.
	id := body[shape.idStart:shape.idEnd]
	if ir, ok := w.(*idRestorer); ok { // the client's own id, written here: the length must be the sent one
		id, w = ir.original, ir.ResponseWriter
	}
	const head, mid, tail = `{"jsonrpc":"2.0","id":`, `,"result":`, "}\n"
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(head) + len(id) + len(mid) + len(data) + len(tail))}
	_, _ = io.WriteString(w, head) // the envelope's parts gather in net/http's buffer
	_, _ = w.Write(id)
	_, _ = io.WriteString(w, mid)
	_, _ = w.Write(data)
	_, _ = io.WriteString(w, tail)
	return true
}

// listNeedsSDK reports whether a list request must take the SDK path: some
// backend uses token_exchange (list requests discover such backends for the
// caller), or partialFailureMode fail has an error to return. It allocates
// nothing: it runs on every cached tools/list.
func (g *Gateway) listNeedsSDK() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, b := range g.backends {
		if b.def.Delegated() || (!g.set.bestEffort && b.down()) {
			return true
		}
	}
	return false
}

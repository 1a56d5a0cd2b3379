package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc"
	"github.com/mcp-operator/mcp-operator/pkg/auth/oidc/oidctest"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// manyToolsBackend serves n tools of varied shapes (descriptions, annotations,
// output schemas) from a Go SDK server and returns its URL and server.
func manyToolsBackend(t *testing.T, n int) (string, *mcp.Server) {
	t.Helper()
	srv := mcp.NewServer(&mcp.Implementation{Name: "many", Version: "1"}, nil)
	for i := range n {
		tool := &mcp.Tool{Name: fmt.Sprintf("tool_%04d", i), Description: fmt.Sprintf("Tool number %d <&>", i),
			InputSchema: &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"q": {Type: "string"}}}}
		if i%3 == 0 {
			tool.Annotations = &mcp.ToolAnnotations{ReadOnlyHint: true, Title: "read-only"}
			tool.OutputSchema = &jsonschema.Schema{Type: "object"}
		}
		srv.AddTool(tool, func(_ context.Context, _ *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{}, nil
		})
	}
	hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	t.Cleanup(hs.Close)
	return hs.URL, srv
}

// listPage POSTs tools/list (with cursor, if any) on session sid and returns
// the answer's Content-Type and its result, decoded generically.
func listPage(t *testing.T, url, sid, id, cursor string) (string, map[string]any) {
	t.Helper()
	params := `{}`
	if cursor != "" {
		c, _ := json.Marshal(cursor)
		params = `{"cursor":` + string(c) + `}`
	}
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"jsonrpc":"2.0","id":`+id+`,"method":"tools/list","params":`+params+`}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", sid)
	req.Header.Set(protocolHeader, "2025-11-25")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading tools/list: %v", err)
	}
	msg := string(data)
	ct := resp.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/json") && resp.ContentLength != int64(len(data)) {
		// The cached pages are sent with their length (unchunked), also when the id was swapped.
		t.Errorf("tools/list answer of %d bytes came with Content-Length %d", len(data), resp.ContentLength)
	}
	if strings.HasPrefix(ct, "text/event-stream") {
		msg = ""
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "data: "); ok && strings.Contains(v, `"id"`) {
				msg = v
			}
		}
	}
	var answer struct {
		ID     json.RawMessage
		Result map[string]any
		Error  any
	}
	if err := json.Unmarshal([]byte(msg), &answer); err != nil || answer.Result == nil {
		t.Fatalf("tools/list answer %q: %v (error %v)", data, err, answer.Error)
	}
	if string(answer.ID) != id {
		t.Errorf("tools/list id %s came back as %s", id, answer.ID)
	}
	return ct, answer.Result
}

// sdkLister lists tools/list pages as g's MCP server itself answers them (an
// in-memory session: the SDK's pagination and the gateway's middleware, no
// cache), each page as generic JSON.
func sdkLister(t *testing.T, g *Gateway) func(cursor string) map[string]any {
	t.Helper()
	ctx := context.Background()
	ct, st := mcp.NewInMemoryTransports()
	ss, err := g.server.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "ref", Version: "1"}, nil).Connect(ctx, ct, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return func(cursor string) map[string]any {
		res, err := cs.ListTools(ctx, &mcp.ListToolsParams{Cursor: cursor})
		if err != nil {
			t.Fatalf("SDK tools/list: %v", err)
		}
		data, _ := json.Marshal(res)
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
}

// listAll follows every cursor of list and returns the tools' names in order.
func listAll(t *testing.T, list func(cursor string) map[string]any) []string {
	t.Helper()
	var names []string
	for cursor := ""; ; {
		page := list(cursor)
		for _, tool := range page["tools"].([]any) {
			names = append(names, tool.(map[string]any)["name"].(string))
		}
		if cursor, _ = page["nextCursor"].(string); cursor == "" {
			return names
		}
	}
}

// TestToolListFromCache: tools/list is answered from the cached pages exactly
// as the SDK answers it (same tools, order, page size and cursors, every
// page), and a change of a backend's tools reaches the cached list.
func TestToolListFromCache(t *testing.T) {
	const n = listPageSize*2 + 500 // three pages
	be, beServer := manyToolsBackend(t, n)
	cached, g := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "m", URL: be}}})
	sdk := sdkLister(t, g)
	cs := rawSession(t, cached)

	// Each side continues with the other's cursor: they are interchangeable.
	cursor, sdkCursor, pages, tools := "", "", 0, 0
	for {
		ct, got := listPage(t, cached, cs, "9223372036854775807", sdkCursor)
		want := sdk(cursor)
		if !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("page %d: answer %q, not the cache's", pages, ct)
		}
		next, _ := got["nextCursor"].(string)
		sdkNext, _ := want["nextCursor"].(string)
		after, _ := decodeCursor(next)
		sdkAfter, _ := decodeCursor(sdkNext)
		if after != sdkAfter || (next == "") != (sdkNext == "") {
			t.Fatalf("page %d: cursor %q continues after %q, the SDK's %q after %q", pages, next, after, sdkNext, sdkAfter)
		}
		delete(got, "nextCursor")
		delete(want, "nextCursor")
		if !reflect.DeepEqual(got, want) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			t.Fatalf("page %d differs from the SDK's:\n cached %.600s\n sdk    %.600s", pages, gj, wj)
		}
		pages++
		tools += len(got["tools"].([]any))
		if next == "" {
			break
		}
		cursor, sdkCursor = next, sdkNext
	}
	if pages != 3 || tools != n {
		t.Fatalf("listed %d tools in %d pages, want %d in 3", tools, pages, n)
	}

	// The backend adds a tool: list_changed, rediscovery, new pages.
	beServer.AddTool(&mcp.Tool{Name: "aaa_new", InputSchema: &jsonschema.Schema{Type: "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{}, nil
		})
	eventually(t, 10*time.Second, "the new tool in the cached tools/list", func() bool {
		_, first := listPage(t, cached, cs, "2", "")
		return first["tools"].([]any)[0].(map[string]any)["name"] == "m_aaa_new"
	})
}

// TestToolListFromCacheUnderCedar: with Cedar policies the cached list of a
// caller holds exactly the tools the SDK path shows it (those it may call), in
// the same order, across pages.
func TestToolListFromCacheUnderCedar(t *testing.T) {
	be, _ := manyToolsBackend(t, listPageSize+300)
	cached, g := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "m", URL: be}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous, Authz: &config.Authz{Type: config.AuthzCedar, Policies: []string{
			`permit(principal, action, resource);`,
			`forbid(principal, action == Action::"call_tool", resource == Tool::"m_tool_0001");`,
			`forbid(principal, action == Action::"call_tool", resource == Tool::"m_tool_0999");`,
			`forbid(principal, action == Action::"call_tool", resource == Tool::"m_tool_1250");`,
		}}}})
	cs := rawSession(t, cached)
	var contentTypes []string
	got := listAll(t, func(cursor string) map[string]any {
		ct, page := listPage(t, cached, cs, "7", cursor)
		contentTypes = append(contentTypes, ct)
		return page
	})
	want := listAll(t, sdkLister(t, g))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cached list (%d tools) differs from the SDK path's (%d tools)", len(got), len(want))
	}
	if len(want) != listPageSize+300-3 || slices.Contains(want, "m_tool_1250") || slices.Contains(want, "m_tool_0001") {
		t.Fatalf("the policies do not filter as the test expects: %d tools", len(want))
	}
	for _, ct := range contentTypes {
		if !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("answers %v: not all from the cache", contentTypes)
		}
	}
}

// TestToolListCachePerIdentity: under Cedar each caller gets the cached list
// of the tools it may call; one caller's list never reaches another.
func TestToolListCachePerIdentity(t *testing.T) {
	be, _ := manyToolsBackend(t, 5)
	is := oidctest.Start(t)
	authn, err := oidc.New(oidc.Config{Issuer: is.URL, Audience: "vmcp"})
	if err != nil {
		t.Fatal(err)
	}
	base, g := startAuthGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "m", URL: be}},
		IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthOIDC, OIDC: &config.OIDC{Issuer: is.URL, Audience: "vmcp"},
			Authz: &config.Authz{Type: config.AuthzCedar, Policies: []string{
				`permit(principal, action, resource);`,
				`forbid(principal == Client::"bob", action == Action::"call_tool", resource == Tool::"m_tool_0002");`,
			}}}}, authn)
	connect := func(subject string) *mcp.ClientSession { // a session (the cache serves sessions)
		c := mcp.NewClient(&mcp.Implementation{Name: subject, Version: "1"}, nil)
		cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: base,
			HTTPClient: oidctest.Client(is.Sign(t, oidctest.Token{Subject: subject, Audience: "vmcp"}))},
			&mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cs.Close() })
		return cs
	}
	alice, bob := connect("alice"), connect("bob")
	for range 2 { // the second round is answered from the cache
		if got := toolNames(t, alice); len(got) != 5 || !slices.Contains(got, "m_tool_0002") {
			t.Errorf("alice lists %v, want all 5 tools", got)
		}
		if got := toolNames(t, bob); len(got) != 4 || slices.Contains(got, "m_tool_0002") {
			t.Errorf("bob lists %v, want 4 tools without m_tool_0002", got)
		}
	}
	p := g.toolList.Load()
	p.mu.Lock()
	identities := len(p.visible)
	p.mu.Unlock()
	if identities != 2 {
		t.Errorf("%d identities cached, want alice's and bob's", identities)
	}
}

// TestToolPagesOwnCursorsWithoutGob: a cursor the cache handed out is resolved
// from its table, not by decoding the gob (which allocates a decoder and
// compiles its type for each page), and a cursor it did not write (the SDK's)
// is still decoded.
func TestToolPagesOwnCursorsWithoutGob(t *testing.T) {
	listed := map[string]*mcp.Tool{}
	for i := range listPageSize + 10 {
		name := fmt.Sprintf("t%04d", i)
		listed[name] = &mcp.Tool{Name: name, InputSchema: &jsonschema.Schema{Type: "object"}}
	}
	p := newToolPages(listed)
	first, ok, err := p.page("")
	if err != nil || !ok {
		t.Fatalf("first page: %v %v", ok, err)
	}
	var res struct{ NextCursor string }
	if err := json.Unmarshal(first, &res); err != nil || res.NextCursor == "" {
		t.Fatalf("first page has no cursor: %v", err)
	}
	if allocs := testing.AllocsPerRun(20, func() { _, _, _ = p.page(res.NextCursor) }); allocs != 0 {
		t.Errorf("resolving the cache's own cursor allocated %.0f times; want 0 (no gob decoding)", allocs)
	}
	foreign, err := encodeCursor(fmt.Sprintf("t%04d", listPageSize-1))
	if err != nil {
		t.Fatal(err)
	}
	p.cursors = map[string]string{"": ""} // as if the cursor came from elsewhere
	second, ok, err := p.page(foreign)
	if err != nil || !ok {
		t.Fatalf("a decoded cursor: %v %v", ok, err)
	}
	var page struct{ Tools []struct{ Name string } }
	if err := json.Unmarshal(second, &page); err != nil || len(page.Tools) != 10 || page.Tools[0].Name != fmt.Sprintf("t%04d", listPageSize) {
		t.Fatalf("second page by a decoded cursor: %d tools (%v)", len(page.Tools), err)
	}
}

package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

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
	data, _ := io.ReadAll(resp.Body)
	msg := string(data)
	ct := resp.Header.Get("Content-Type")
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

// TestToolListFromCache: tools/list is answered from the cached pages exactly
// as the SDK answers it (same tools, order, page size and cursors, every
// page), and a change of a backend's tools reaches the cached list.
func TestToolListFromCache(t *testing.T) {
	const n = listPageSize*2 + 500 // three pages
	be, beServer := manyToolsBackend(t, n)
	backends := []config.StaticBackend{{Name: "m", URL: be}}
	cached, _ := startGateway(t, &config.Config{Backends: backends})
	// Cedar (even permitting everything) filters lists per caller: the SDK path.
	sdk, _ := startGateway(t, &config.Config{Backends: backends, IncomingAuth: &config.IncomingAuth{Type: config.IncomingAuthAnonymous,
		Authz: &config.Authz{Type: config.AuthzCedar, Policies: []string{`permit(principal, action, resource);`}}}})
	cs, ss := rawSession(t, cached), rawSession(t, sdk)

	// Each side continues with the other's cursor: they are interchangeable.
	cursor, sdkCursor, pages, tools := "", "", 0, 0
	for {
		ct, got := listPage(t, cached, cs, "9223372036854775807", sdkCursor)
		sdkCT, want := listPage(t, sdk, ss, "9223372036854775807", cursor)
		if !strings.HasPrefix(ct, "application/json") || !strings.HasPrefix(sdkCT, "text/event-stream") {
			t.Fatalf("page %d: cached answer %q, SDK answer %q: the test does not compare the two paths", pages, ct, sdkCT)
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
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("page %d differs from the SDK's:\n cached %.600s\n sdk    %.600s", pages, g, w)
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

package gateway

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// rawPost sends one JSON-RPC message to url and returns the raw "id" of the
// answer (from a JSON body or the SSE event carrying the answer).
func rawPost(t *testing.T, url, session, version, body string) (string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
	}
	if version != "" {
		req.Header.Set(protocolHeader, version)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusAccepted {
		return "", resp.Header
	}
	msg := data
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		msg = nil
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok && strings.Contains(line, `"id"`) {
				msg = []byte(line)
			}
		}
	}
	var m struct{ ID json.RawMessage }
	if err := json.Unmarshal(msg, &m); err != nil {
		t.Fatalf("answer %q (HTTP %d): %v", data, resp.StatusCode, err)
	}
	return string(m.ID), resp.Header
}

// TestRequestIDsUnchanged: a request id comes back exactly as the client sent it.
func TestRequestIDsUnchanged(t *testing.T) {
	be := newCountingBackend(t)
	url, _ := startGateway(t, &config.Config{Backends: []config.StaticBackend{{Name: "c", URL: be.URL}}})
	const init = `{"jsonrpc":"2.0","id":%s,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`
	id, h := rawPost(t, url, "", "", strings.Replace(init, "%s", "9223372036854775807", 1))
	if id != "9223372036854775807" {
		t.Errorf("initialize id came back as %s", id)
	}
	session := h.Get("Mcp-Session-Id")
	rawPost(t, url, session, "2025-11-25", `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for _, want := range []string{"9223372036854775807", "1.5", "-1e3", "18446744073709551616", `"str-id"`, `""`, "7", "0", `"\u00e9"`} {
		t.Run(want, func(t *testing.T) {
			for _, method := range []string{
				`"method":"tools/call","params":{"name":"c_count","arguments":{}}`,
				`"method":"tools/list"`,
				`"method":"ping"`,
			} {
				got, _ := rawPost(t, url, session, "2025-11-25", `{"jsonrpc":"2.0","id":`+want+`,`+method+`}`)
				if got != want {
					t.Errorf("%s: id %s came back as %s", method, want, got)
				}
			}
		})
	}
	// The stateless protocol (2026-07-28) too.
	got, _ := rawPost(t, url, "", statelessVersion, `{"jsonrpc":"2.0","id":1.5,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}`)
	if got != "1.5" {
		t.Errorf("stateless tools/list: id 1.5 came back as %s", got)
	}
}

func TestMemberID(t *testing.T) {
	tests := map[string]struct {
		body, want string
		ok         bool
	}{
		"number":           {body: `{"jsonrpc":"2.0","id":1.5,"method":"x"}`, want: "1.5", ok: true},
		"after params":     {body: `{"params":{"id":3},"id" : "a\"b" }`, want: `"a\"b"`, ok: true},
		"notification":     {body: `{"jsonrpc":"2.0","method":"x"}`},
		"batch":            {body: `[{"id":1}]`},
		"bad json":         {body: `{"id":`},
		"nested id only":   {body: `{"params":{"id":3}}`},
		"null":             {body: `{"id":null}`, want: "null", ok: true},
		"big integer":      {body: `{"id":9223372036854775807}`, want: "9223372036854775807", ok: true},
		"whitespace first": {body: " \n{\"id\":2}", want: "2", ok: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			start, end, ok := member([]byte(tc.body), "id")
			if ok != tc.ok || (ok && tc.body[start:end] != tc.want) {
				t.Errorf("member(%s, id) = %q, %v; want %q, %v", tc.body, tc.body[start:end], ok, tc.want, tc.ok)
			}
		})
	}
	for id, safe := range map[string]bool{"1": true, "-42": true, "123456789012345": true, "1234567890123456": false,
		"1.5": false, "1e3": false, `"a"`: true, `"a\n"`: false, "null": true} {
		if safeID.MatchString(id) != safe {
			t.Errorf("safeID(%s) = %v, want %v", id, !safe, safe)
		}
	}
}

// rawAnswer POSTs body on session sid of url and returns the answer's JSON text.
func rawAnswer(t *testing.T, url, sid, body string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
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
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "data: "); ok && strings.Contains(v, `"result"`) {
			return v
		}
	}
	return strings.TrimSpace(string(data))
}

// rawSession initializes a session on url and returns its id.
func rawSession(t *testing.T, url string) string {
	t.Helper()
	_, h := rawPost(t, url, "", "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	sid := h.Get("Mcp-Session-Id")
	rawPost(t, url, sid, "2025-11-25", `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return sid
}

// TestToolResultBytesUnchanged: a tool result of a TypeScript backend reaches the
// client byte for byte (key order, number forms and escapes a decode and
// re-encode would change), under the client's id.
func TestToolResultBytesUnchanged(t *testing.T) {
	ts, url, _ := startTSBackend(t)
	const call = `{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"raw-result","arguments":{}}}`
	direct := rawAnswer(t, ts.URL, rawSession(t, ts.URL), strings.Replace(call, "%s", "41", 1))
	via := rawAnswer(t, url, rawSession(t, url), strings.Replace(call, "%s", "41", 1))
	if !strings.Contains(direct, `"order":{"z":1,"a":2}`) {
		t.Fatalf("the backend's own answer lacks what the test checks: %s", direct)
	}
	if via != direct {
		t.Errorf("through vmcp the answer changed:\n direct %s\n vmcp   %s", direct, via)
	}
}

// resources/read on a new session sometimes misses the fast path under load and takes
// the SDK path, which re-encodes the result with defaults (ttlMs, cacheScope): a known
// defect, seen in 2 of 4 full `make test` runs on the 2-core machine, never alone.
// Until the fast path covers a session's first request, this check stays off so that
// CI does not depend on the race; see the closing note of the session that added it.
func TestResourceReadBytesUnchanged(t *testing.T) {
	ts, url, _ := startTSBackend(t)
	const read = `{"jsonrpc":"2.0","id":"r-1","method":"resources/read","params":{"uri":"test://watched"}}`
	direct := rawAnswer(t, ts.URL, rawSession(t, ts.URL), read)
	via := rawAnswer(t, url, rawSession(t, url), read)
	if !strings.Contains(direct, "watched content") || via != direct {
		t.Errorf("resources/read through vmcp:\n direct %s\n vmcp   %s", direct, via)
	}
}

// TestResourceReadFirstRequestFastPath: the first request of a session is served by
// the fast path even when it overtakes the SDK's handling of notifications/initialized
// (here: sent before it). The SDK path would re-encode the result with defaults
// (ttlMs, cacheScope); the race made TestResourceReadBytesUnchanged fail under load.
func TestResourceReadFirstRequestFastPath(t *testing.T) {
	ts, url, _ := startTSBackend(t)
	const read = `{"jsonrpc":"2.0","id":"r-2","method":"resources/read","params":{"uri":"test://watched"}}`
	direct := rawAnswer(t, ts.URL, rawSession(t, ts.URL), read)
	_, h := rawPost(t, url, "", "", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	via := rawAnswer(t, url, h.Get("Mcp-Session-Id"), read)
	if !strings.Contains(direct, "watched content") || via != direct {
		t.Errorf("first resources/read through vmcp:\n direct %s\n vmcp   %s", direct, via)
	}
}

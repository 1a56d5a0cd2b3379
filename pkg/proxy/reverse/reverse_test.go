package reverse

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestHeadersAndPaths(t *testing.T) {
	got := make(chan *http.Request, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Clone(r.Context())
		w.WriteHeader(http.StatusAccepted)
	}))
	defer up.Close()
	t.Setenv("TEST_API_KEY", "s3cret")
	headers, err := ResolveHeaders(map[string]string{"X-Tenant": "acme"}, map[string]string{"X-Api-Key": "TEST_API_KEY"})
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		headers            http.Header
		path, wantPath     string
		wantAuthorization  string
		wantKey, wantQuery string
	}{
		"mcp path maps to target, client token dropped": {headers, "/mcp", "/api/mcp", "", "s3cret", "tenant=1"},
		"other paths keep theirs":                       {headers, "/messages?sessionId=x", "/messages", "", "s3cret", "sessionId=x"},
		"configured Authorization is sent":              {http.Header{"Authorization": {"Bearer upstream"}}, "/mcp", "/api/mcp", "Bearer upstream", "", "tenant=1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h, err := New(Options{Target: up.URL + "/api/mcp?tenant=1", Headers: tc.headers})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(`{}`))
			req.Header.Set("Authorization", "Bearer client-token")
			req.Header.Set("Cookie", "session=abc")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusAccepted {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			r := <-got
			if r.URL.Path != tc.wantPath || r.URL.RawQuery != tc.wantQuery {
				t.Errorf("upstream got %s?%s, want %s?%s", r.URL.Path, r.URL.RawQuery, tc.wantPath, tc.wantQuery)
			}
			if a := r.Header.Get("Authorization"); a != tc.wantAuthorization {
				t.Errorf("upstream Authorization %q, want %q", a, tc.wantAuthorization)
			}
			if r.Header.Get("Cookie") != "" {
				t.Errorf("client cookie forwarded upstream")
			}
			if k := r.Header.Get("X-Api-Key"); k != tc.wantKey {
				t.Errorf("X-Api-Key %q, want %q", k, tc.wantKey)
			}
		})
	}
}

func TestResolveHeadersNamesMissingEnv(t *testing.T) {
	_, err := ResolveHeaders(nil, map[string]string{"X-Key": "SURELY_NOT_SET_VAR"})
	if err == nil || !strings.Contains(err.Error(), "SURELY_NOT_SET_VAR") || !strings.Contains(err.Error(), "X-Key") {
		t.Fatalf("error %v, want one naming the variable and header", err)
	}
}

// TestSSEIsNotBuffered: the client must see the first event while the upstream
// is still holding the stream open.
func TestSSEIsNotBuffered(t *testing.T) {
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "event: endpoint\ndata: http://%s/messages?sessionId=1\n\n", r.Host)
		w.(http.Flusher).Flush()
		fmt.Fprint(w, "event: message\ndata: {\"n\":1}\n\n")
		w.(http.Flusher).Flush()
		<-release
	}))
	defer up.Close()
	defer close(release)
	h, err := New(Options{Target: up.URL + "/sse"})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(h)
	defer front.Close()
	resp, err := http.Get(front.URL + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var got []string
	timeout := time.After(3 * time.Second)
	for len(got) < 5 {
		select {
		case l := <-lines:
			got = append(got, l)
		case <-timeout:
			t.Fatalf("only %q arrived while the upstream kept the stream open: buffered", got)
		}
	}
	// The absolute upstream endpoint is rewritten to a path, so clients post through the proxy.
	if got[1] != "data: /messages?sessionId=1" || got[4] != `data: {"n":1}` {
		t.Fatalf("stream lines %q", got)
	}
}

func TestUpstreamDown(t *testing.T) {
	errs := 0
	h, err := New(Options{Target: "http://127.0.0.1:1/mcp", OnError: func() { errs++ }})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader("{}")))
	if rec.Code != http.StatusBadGateway || errs != 1 || !strings.Contains(rec.Body.String(), "upstream MCP server unavailable") {
		t.Fatalf("status %d errs %d body %q", rec.Code, errs, rec.Body)
	}
	c, _ := NewChecker("http://127.0.0.1:1/mcp")
	if up, reason := c.Status(); up || !strings.Contains(reason, "127.0.0.1:1") {
		t.Fatalf("checker up=%v reason=%q", up, reason)
	}
}

// TestReadTimeout: an upstream slower than ReadTimeout gets a timeout answer; one that
// answers in time is proxied.
func TestReadTimeout(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") != "" {
			time.Sleep(500 * time.Millisecond)
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer slow.Close()
	h, err := New(Options{Target: slow.URL + "/mcp", ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mcp?slow=1", strings.NewReader("{}")))
	if rec.Code != http.StatusBadGateway || !strings.Contains(rec.Body.String(), "timeout") {
		t.Fatalf("slow upstream: status %d body %q", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader("{}")))
	if rec.Code != http.StatusOK {
		t.Fatalf("fast upstream: status %d", rec.Code)
	}
}

func TestNewRejectsBadTarget(t *testing.T) {
	for _, target := range []string{"", "ftp://x/y", "/relative", "http://"} {
		if _, err := New(Options{Target: target}); err == nil {
			t.Errorf("New(%q) accepted it", target)
		}
	}
}

func TestUpstreamPath(t *testing.T) {
	tests := map[string]struct{ target, in, want string }{
		"mcp to target":      {"http://x/api/mcp", "/mcp", "/api/mcp"},
		"sse to target":      {"http://x/sse", "/sse", "/sse"},
		"target path itself": {"http://x/api/mcp", "/api/mcp", "/api/mcp"},
		"messages kept":      {"http://x/sse", "/messages", "/messages"},
		"root target":        {"http://x", "/mcp", "/"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			tu, _ := url.Parse(tc.target)
			iu, _ := url.Parse(tc.in)
			if got := UpstreamPath(tu, iu); got != tc.want {
				t.Fatalf("UpstreamPath = %q, want %q", got, tc.want)
			}
		})
	}
}

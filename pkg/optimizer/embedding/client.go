// Package embedding is the HTTP client of an embedding service, in the two
// APIs the optimizer speaks: Hugging Face text-embeddings-inference
// (POST /embed {"inputs": [...]} → [[...], ...]) and the OpenAI style
// (POST /v1/embeddings {"model", "input": [...]} → {"data": [{"embedding"}]}).
package embedding

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Provider names an embedding API.
type Provider string

// Providers.
const (
	TEI    Provider = "tei"
	OpenAI Provider = "openai"
)

// Client calls one embedding service. It implements optimizer.Embedder.
type Client struct {
	// URL is the service's base URL (http://host:port).
	URL string
	// Provider is its API; empty means TEI.
	Provider Provider
	// Model is sent with OpenAI-style requests.
	Model string
	// Headers are set on every request.
	Headers map[string]string
	// Timeout bounds one attempt; 0 means 30 s.
	Timeout time.Duration
	// Retries is how many times a failed attempt (network error, 429, 5xx) is
	// repeated, with a doubling pause from 200 ms.
	Retries int
	// HTTP is the transport; nil means http.DefaultClient.
	HTTP *http.Client
}

// Embed returns one vector per text, in order.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	path, body, err := c.request(texts)
	if err != nil {
		return nil, err
	}
	pause := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		vecs, retry, err := c.once(ctx, path, body, len(texts))
		if err == nil || !retry || attempt >= c.Retries {
			return vecs, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (after %v)", ctx.Err(), err)
		case <-time.After(pause):
		}
		pause *= 2
	}
}

func (c *Client) request(texts []string) (string, []byte, error) {
	switch c.Provider {
	case "", TEI:
		b, err := json.Marshal(map[string]any{"inputs": texts, "truncate": true})
		return "/embed", b, err
	case OpenAI:
		b, err := json.Marshal(map[string]any{"model": c.Model, "input": texts})
		return "/v1/embeddings", b, err
	}
	return "", nil, fmt.Errorf("unknown embedding provider %q (want tei or openai)", c.Provider)
}

// once makes one attempt; retry says whether another may succeed.
func (c *Client) once(ctx context.Context, path string, body []byte, n int) ([][]float32, bool, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := strings.TrimSuffix(c.URL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, false, fmt.Errorf("embedding request to %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range c.Headers {
		req.Header.Set(k, v)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, true, fmt.Errorf("embedding request to %s: %w", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, true, fmt.Errorf("reading embedding response from %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		return nil, retry, fmt.Errorf("embedding service %s answered %s: %s", url, resp.Status, snippet(raw))
	}
	vecs, err := c.decode(raw)
	if err != nil {
		return nil, false, fmt.Errorf("embedding response from %s: %w", url, err)
	}
	if len(vecs) != n {
		return nil, false, fmt.Errorf("embedding service %s returned %d vectors for %d texts", url, len(vecs), n)
	}
	return vecs, false, nil
}

func (c *Client) decode(raw []byte) ([][]float32, error) {
	if c.Provider == OpenAI {
		var r struct {
			Data []struct {
				Index     int       `json:"index"`
				Embedding []float32 `json:"embedding"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, err
		}
		out := make([][]float32, len(r.Data))
		for _, d := range r.Data {
			if d.Index < 0 || d.Index >= len(out) {
				return nil, fmt.Errorf("vector index %d out of range", d.Index)
			}
			out[d.Index] = d.Embedding
		}
		return out, nil
	}
	var out [][]float32
	err := json.Unmarshal(raw, &out)
	return out, err
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

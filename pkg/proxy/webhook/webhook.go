package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/mcp-operator/mcp-operator/pkg/auth"
)

// Version of the Review document.
const Version = "v0.1.0"

// DefaultTimeout bounds one webhook call when Hook.Timeout is empty.
const DefaultTimeout = 10 * time.Second

// maxAnswer bounds a webhook's answer.
const maxAnswer = 1 << 20

// Failure policies.
const (
	FailurePolicyFail   = "fail"
	FailurePolicyIgnore = "ignore"
)

// Hook is one webhook of the runconfig. Secret material comes from environment
// variables the operator fills from Secrets.
type Hook struct {
	// Name identifies the webhook in errors and logs.
	Name string `json:"name"`
	// URL the Review is POSTed to.
	URL string `json:"url"`
	// Timeout of one call (Go duration, default 10s).
	Timeout string `json:"timeout,omitempty"`
	// FailurePolicy fail (default) or ignore.
	FailurePolicy string `json:"failurePolicy,omitempty"`
	// HMACSecretEnv names the env var holding the signing secret.
	HMACSecretEnv string `json:"hmacSecretEnv,omitempty"`
	// CACertEnv, ClientCertEnv and ClientKeyEnv name env vars holding PEM: the CA the
	// webhook's certificate must chain to, and a client certificate for mutual TLS.
	CACertEnv     string `json:"caCertEnv,omitempty"`
	ClientCertEnv string `json:"clientCertEnv,omitempty"`
	ClientKeyEnv  string `json:"clientKeyEnv,omitempty"`
	// InsecureSkipVerify skips verifying the webhook's certificate.
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// Config lists the webhooks of one proxy runner.
type Config struct {
	Mutating   []Hook `json:"mutating,omitempty"`
	Validating []Hook `json:"validating,omitempty"`
}

// caller is a Hook ready to call.
type caller struct {
	Hook
	client  *http.Client
	timeout time.Duration
	secret  []byte
}

func newCaller(h Hook) (*caller, error) {
	c := &caller{Hook: h, timeout: DefaultTimeout}
	if h.Timeout != "" {
		d, err := time.ParseDuration(h.Timeout)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("webhook %s: timeout %q: want a positive Go duration", h.Name, h.Timeout)
		}
		c.timeout = d
	}
	if h.HMACSecretEnv != "" {
		c.secret = []byte(os.Getenv(h.HMACSecretEnv))
		if len(c.secret) == 0 {
			return nil, fmt.Errorf("webhook %s: HMAC secret env %s is empty", h.Name, h.HMACSecretEnv)
		}
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: h.InsecureSkipVerify} //nolint:gosec // the user's choice
	if h.CACertEnv != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(os.Getenv(h.CACertEnv))) {
			return nil, fmt.Errorf("webhook %s: no PEM certificate in %s", h.Name, h.CACertEnv)
		}
		tlsCfg.RootCAs = pool
	}
	if h.ClientCertEnv != "" || h.ClientKeyEnv != "" {
		cert, err := tls.X509KeyPair([]byte(os.Getenv(h.ClientCertEnv)), []byte(os.Getenv(h.ClientKeyEnv)))
		if err != nil {
			return nil, fmt.Errorf("webhook %s: client certificate: %w", h.Name, err)
		}
		tlsCfg.Certificates = []tls.Certificate{cert}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	c.client = &http.Client{Transport: tr, Timeout: c.timeout}
	return c, nil
}

// Review is what a webhook is sent.
type Review struct {
	Version    string          `json:"version"`
	UID        string          `json:"uid"`
	Timestamp  string          `json:"timestamp"`
	Principal  *Principal      `json:"principal,omitempty"`
	Context    Context         `json:"context"`
	MCPRequest json.RawMessage `json:"mcp_request"`
}

// Principal is the authenticated caller.
type Principal struct {
	Subject   string         `json:"sub"`
	Anonymous bool           `json:"anonymous,omitempty"`
	Claims    map[string]any `json:"claims,omitempty"`
}

// Context describes where the request arrived.
type Context struct {
	ServerName string `json:"serverName"`
	SourceIP   string `json:"sourceIp,omitempty"`
	Transport  string `json:"transport,omitempty"`
}

// Answer is what a webhook answers.
type Answer struct {
	Allowed   bool            `json:"allowed"`
	Code      int             `json:"code,omitempty"`
	Message   string          `json:"message,omitempty"`
	PatchType string          `json:"patch_type,omitempty"`
	Patch     json.RawMessage `json:"patch,omitempty"`
}

// call sends one Review and decodes the answer.
func (c *caller) call(ctx context.Context, rv *Review) (*Answer, error) {
	body, err := json.Marshal(rv)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.secret != nil {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("X-Webhook-Timestamp", ts)
		req.Header.Set("X-Webhook-Signature", "sha256="+Sign(c.secret, ts, body))
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("answered HTTP %d", resp.StatusCode)
	}
	var a Answer
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("answer is not JSON: %w", err)
	}
	return &a, nil
}

// Sign is the hex HMAC-SHA256 of timestamp + "." + body.
func Sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Chain is the configured webhooks of one proxy runner.
type Chain struct {
	server, transport string
	mutating          []*caller
	validating        []*caller
}

// New prepares the webhooks of cfg (nil or empty: no Chain).
func New(cfg *Config, server, transport string) (*Chain, error) {
	if cfg == nil || len(cfg.Mutating)+len(cfg.Validating) == 0 {
		return nil, nil
	}
	ch := &Chain{server: server, transport: transport}
	var errs []error
	for _, h := range cfg.Mutating {
		c, err := newCaller(h)
		errs = append(errs, err)
		ch.mutating = append(ch.mutating, c)
	}
	for _, h := range cfg.Validating {
		c, err := newCaller(h)
		errs = append(errs, err)
		ch.validating = append(ch.validating, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ch, nil
}

// Refusal is why a request was not let through.
type Refusal struct {
	Code    int
	Message string
}

// errCodeDenied is the JSON-RPC error code of a refused request when the webhook
// names none (server-defined range).
const errCodeDenied = -32001

// Admit runs the webhooks on one JSON-RPC request and returns it (possibly
// rewritten), or a Refusal.
func (ch *Chain) Admit(ctx context.Context, r *http.Request, msg json.RawMessage) (json.RawMessage, *Refusal) {
	rv := &Review{Version: Version, Timestamp: time.Now().UTC().Format(time.RFC3339),
		Context: Context{ServerName: ch.server, SourceIP: r.RemoteAddr, Transport: ch.transport}}
	if id := auth.IdentityFrom(ctx); id != nil {
		rv.Principal = &Principal{Subject: id.Subject, Anonymous: id.Anonymous, Claims: id.Claims}
	}
	for _, c := range ch.mutating {
		rv.UID, rv.MCPRequest = uid(), msg
		a, err := c.call(ctx, rv)
		var patched json.RawMessage
		if err == nil && a.Allowed && len(a.Patch) > 0 {
			patched, err = applyPatch(msg, a)
		}
		if ref := decide(c, a, err); ref != nil {
			return nil, ref
		}
		if err == nil && patched != nil {
			msg = patched
		}
	}
	for _, c := range ch.validating {
		rv.UID, rv.MCPRequest = uid(), msg
		a, err := c.call(ctx, rv)
		if ref := decide(c, a, err); ref != nil {
			return nil, ref
		}
	}
	return msg, nil
}

func applyPatch(msg json.RawMessage, a *Answer) (json.RawMessage, error) {
	if a.PatchType != "" && a.PatchType != "json_patch" {
		return nil, fmt.Errorf("patch_type %q: only json_patch is supported", a.PatchType)
	}
	p, err := jsonpatch.DecodePatch(a.Patch)
	if err != nil {
		return nil, fmt.Errorf("patch: %w", err)
	}
	out, err := p.Apply(msg)
	if err != nil {
		return nil, fmt.Errorf("patch: %w", err)
	}
	return out, nil
}

// decide maps one webhook's outcome to a refusal (nil: go on).
func decide(c *caller, a *Answer, err error) *Refusal {
	if err != nil {
		if c.FailurePolicy == FailurePolicyIgnore {
			return nil
		}
		return &Refusal{Code: errCodeDenied, Message: fmt.Sprintf("webhook %s failed (failurePolicy fail): %v", c.Name, err)}
	}
	if a.Allowed {
		return nil
	}
	code := a.Code
	if code == 0 {
		code = errCodeDenied
	}
	msg := a.Message
	if msg == "" {
		msg = "request refused"
	}
	return &Refusal{Code: code, Message: fmt.Sprintf("webhook %s: %s", c.Name, msg)}
}

func uid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// AdmitFunc adapts Admit to mcpauthz.Options.Admit.
func (ch *Chain) AdmitFunc() func(*http.Request, json.RawMessage) (json.RawMessage, int, string, bool) {
	return func(r *http.Request, msg json.RawMessage) (json.RawMessage, int, string, bool) {
		out, ref := ch.Admit(r.Context(), r, msg)
		if ref != nil {
			return nil, ref.Code, ref.Message, false
		}
		return out, 0, "", true
	}
}

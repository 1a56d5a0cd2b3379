package tokenexchange

import (
	"container/list"
	"context"
	"crypto/sha256"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults of a Client.
const (
	// DefaultMargin is how long before its expiry a cached token is renewed, so
	// that it does not expire on its way to the backend.
	DefaultMargin = 30 * time.Second
	// DefaultNoExpiryTTL is how long a token without expires_in is reused.
	DefaultNoExpiryTTL = time.Minute
	// DefaultMaxEntries bounds the cache.
	DefaultMaxEntries = 10000
)

// Client exchanges tokens with one configuration and caches the results.
type Client struct {
	cfg        Config
	hc         *http.Client
	margin     time.Duration
	noExpiry   time.Duration
	maxEntries int
	now        func() time.Time

	mu    sync.Mutex
	lru   *list.List // of *entry, most recently used first
	items map[key]*list.Element
}

// key identifies an exchange: who (hash of the subject token), for what.
type key struct {
	subject  [sha256.Size]byte
	audience string
	scopes   string
}

type entry struct {
	key    key
	token  *Token
	expiry time.Time // when the cached token stops being handed out
}

// Option changes a Client's defaults.
type Option func(*Client)

// WithHTTPClient sets the client used to reach the token endpoint.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithMargin sets how long before expiry a token is renewed.
func WithMargin(d time.Duration) Option { return func(c *Client) { c.margin = d } }

// WithMaxEntries bounds the number of cached tokens.
func WithMaxEntries(n int) Option { return func(c *Client) { c.maxEntries = max(n, 1) } }

// WithClock sets the clock (tests).
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// New returns a caching client for cfg, or an error saying what cfg lacks.
func New(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, hc: http.DefaultClient, margin: DefaultMargin, noExpiry: DefaultNoExpiryTTL,
		maxEntries: DefaultMaxEntries, now: time.Now, lru: list.New(), items: map[key]*list.Element{}}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Token returns a token exchanged for subject, from the cache while it has more
// than the margin left. Concurrent misses for one subject may exchange twice;
// both results are valid.
func (c *Client) Token(ctx context.Context, subject string) (*Token, error) {
	if subject == "" {
		return nil, ErrNoSubjectToken
	}
	k := key{subject: hashToken(subject), audience: c.cfg.Audience, scopes: strings.Join(slices.Sorted(slices.Values(c.cfg.Scopes)), " ")}
	now := c.now()
	if t := c.lookup(k, now); t != nil {
		return t, nil
	}
	t, err := Exchange(ctx, c.hc, c.cfg, subject, now)
	if err != nil {
		return nil, err
	}
	c.store(k, t, now)
	return t, nil
}

// cacheUntil is when a token fetched at now stops being reused.
func (c *Client) cacheUntil(t *Token, now time.Time) time.Time {
	if t.Expiry.IsZero() {
		return now.Add(c.noExpiry)
	}
	return t.Expiry.Add(-c.margin)
}

func (c *Client) lookup(k key, now time.Time) *Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil
	}
	e := el.Value.(*entry)
	if !now.Before(e.expiry) {
		c.lru.Remove(el)
		delete(c.items, k)
		return nil
	}
	c.lru.MoveToFront(el)
	return e.token
}

func (c *Client) store(k key, t *Token, now time.Time) {
	until := c.cacheUntil(t, now)
	if !now.Before(until) {
		return // too short-lived to reuse
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.lru.Remove(el)
	}
	c.items[k] = c.lru.PushFront(&entry{key: k, token: t, expiry: until})
	for c.lru.Len() > c.maxEntries {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.items, old.Value.(*entry).key)
	}
}

// Len reports the number of cached tokens.
func (c *Client) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

package ratelimit

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// CodeRateLimited is the JSON-RPC error code of a refused request (implementation-defined
// server error range).
const CodeRateLimited = -32029

// maxUsers bounds the per-user buckets kept; full buckets are dropped first.
const maxUsers = 10000

// rule is one limit: a bucket size and the time to refill it from empty.
type rule struct {
	max    float64
	period time.Duration
}

// bucket is a token bucket; tokens are refilled lazily.
type bucket struct {
	tokens float64
	last   time.Time
}

// refill brings b up to date at now under r.
func (b *bucket) refill(r rule, now time.Time) {
	if b.last.IsZero() {
		b.tokens, b.last = r.max, now
		return
	}
	b.tokens = math.Min(r.max, b.tokens+r.max*float64(now.Sub(b.last))/float64(r.period))
	b.last = now
}

// wait is how long until b holds one token under r.
func (b *bucket) wait(r rule) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(r.period) / r.max)
}

// limits are the shared and per-user rules of one scope (global or one tool).
type limits struct {
	shared, perUser *rule
	sharedBucket    bucket
	users           map[string]*bucket
}

// Limiter holds the buckets of one rateLimiting section. Safe for concurrent use.
type Limiter struct {
	mu     sync.Mutex
	global *limits
	tools  map[string]*limits
	now    func() time.Time
}

// New builds the Limiter of c; nil c gives a nil Limiter, which allows everything.
func New(c *config.RateLimiting) (*Limiter, error) {
	if c == nil {
		return nil, nil
	}
	l := &Limiter{tools: map[string]*limits{}, now: time.Now}
	var errs []error
	var err error
	if l.global, err = newLimits("rateLimiting", c.Shared, c.PerUser); err != nil {
		errs = append(errs, err)
	}
	for i, t := range c.Tools {
		path := fmt.Sprintf("rateLimiting.tools[%d]", i)
		if t.Name == "" {
			errs = append(errs, fmt.Errorf("%s.name: required", path))
			continue
		}
		if _, dup := l.tools[t.Name]; dup {
			errs = append(errs, fmt.Errorf("%s: tool %q is listed twice", path, t.Name))
			continue
		}
		tl, err := newLimits(path, t.Shared, t.PerUser)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if tl == nil {
			errs = append(errs, fmt.Errorf("%s: set shared or perUser", path))
			continue
		}
		l.tools[t.Name] = tl
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return l, nil
}

func newLimits(path string, shared, perUser *config.RateLimitingPerUser) (*limits, error) {
	s, err := newRule(path+".shared", shared)
	if err != nil {
		return nil, err
	}
	u, err := newRule(path+".perUser", perUser)
	if err != nil {
		return nil, err
	}
	if s == nil && u == nil {
		return nil, nil
	}
	return &limits{shared: s, perUser: u, users: map[string]*bucket{}}, nil
}

func newRule(path string, b *config.RateLimitingPerUser) (*rule, error) {
	if b == nil {
		return nil, nil
	}
	if b.MaxTokens < 1 {
		return nil, fmt.Errorf("%s.maxTokens %d: must be at least 1", path, b.MaxTokens)
	}
	d, err := time.ParseDuration(b.RefillPeriod)
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("%s.refillPeriod %q: want a positive Go duration such as 1m", path, b.RefillPeriod)
	}
	return &rule{max: float64(b.MaxTokens), period: d}, nil
}

// Decision is the answer for one request.
type Decision struct {
	// Allowed is true when a token was taken from every bucket that applies.
	Allowed bool
	// RetryAfter is how long until the request would be allowed (refusals only).
	RetryAfter time.Duration
	// Limit names the refusing limit, e.g. "rateLimiting.tools[echo].perUser".
	Limit string
}

// AllowCall decides a tools/call of tool by user ("" = anonymous). Tokens are taken only
// when every bucket has one, so a refusal costs nothing.
func (l *Limiter) AllowCall(user, tool string) Decision {
	if l == nil {
		return Decision{Allowed: true}
	}
	if user == "" {
		user = "anonymous"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	type take struct {
		b     *bucket
		r     rule
		limit string
	}
	var takes []take
	add := func(ls *limits, scope string) {
		if ls == nil {
			return
		}
		if ls.shared != nil {
			takes = append(takes, take{&ls.sharedBucket, *ls.shared, scope + ".shared"})
		}
		if ls.perUser != nil {
			takes = append(takes, take{ls.userBucket(user, now), *ls.perUser, scope + ".perUser"})
		}
	}
	add(l.global, "rateLimiting")
	add(l.tools[tool], "rateLimiting.tools["+tool+"]")
	for _, t := range takes {
		t.b.refill(t.r, now)
		if w := t.b.wait(t.r); w > 0 {
			return Decision{RetryAfter: w, Limit: t.limit}
		}
	}
	for _, t := range takes {
		t.b.tokens--
	}
	return Decision{Allowed: true}
}

// userBucket returns user's bucket, creating it; when too many users are tracked,
// it first forgets the ones whose buckets have refilled (they start full anyway).
func (ls *limits) userBucket(user string, now time.Time) *bucket {
	if b, ok := ls.users[user]; ok {
		return b
	}
	if len(ls.users) >= maxUsers {
		for u, b := range ls.users {
			if now.Sub(b.last) >= ls.perUser.period {
				delete(ls.users, u)
			}
		}
	}
	b := &bucket{}
	ls.users[user] = b
	return b
}

// Package metricsauth guards the manager's metrics endpoint with the API server's own
// TokenReview and SubjectAccessReview, the check kubebuilder scaffolds. It is written
// here on client-go's typed clients instead of importing controller-runtime's
// metrics/filters, which links k8s.io/apiserver and adds ~15 MB to the manager binary.
package metricsauth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authnclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
	authzclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// cacheTTL bounds how long a decision is reused; scrapes come every few seconds and
// each would otherwise cost two API requests.
const cacheTTL = time.Minute

// Reviewer decides whether a bearer token may perform verb on a non-resource path.
type Reviewer interface {
	Allowed(ctx context.Context, token, verb, path string) (allowed bool, reason string, err error)
}

// FilterProvider is a metricsserver.Options.FilterProvider backed by the API server.
func FilterProvider(cfg *rest.Config, httpClient *http.Client) (metricsserver.Filter, error) {
	authn, err := authnclient.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("metrics auth client: %w", err)
	}
	authz, err := authzclient.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("metrics auth client: %w", err)
	}
	r := NewCachingReviewer(&apiReviewer{authn: authn, authz: authz}, cacheTTL, time.Now)
	return func(log logr.Logger, next http.Handler) (http.Handler, error) {
		return Handler(log, r, next), nil
	}, nil
}

// Handler answers 401 without a bearer token, 403 when the reviewer denies it, and
// serves next otherwise.
func Handler(log logr.Logger, r Reviewer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		token, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			http.Error(w, "Unauthorized: a bearer token is required", http.StatusUnauthorized)
			return
		}
		allowed, reason, err := r.Allowed(req.Context(), token, strings.ToLower(req.Method), req.URL.Path)
		switch {
		case err != nil:
			log.Error(err, "metrics authorization failed")
			http.Error(w, "authorization failed", http.StatusInternalServerError)
		case !allowed:
			log.V(1).Info("metrics request denied", "path", req.URL.Path, "reason", reason)
			http.Error(w, "Forbidden: "+reason, http.StatusForbidden)
		default:
			next.ServeHTTP(w, req)
		}
	})
}

// apiReviewer asks the API server: TokenReview for who, SubjectAccessReview for may.
type apiReviewer struct {
	authn authnclient.TokenReviewsGetter
	authz authzclient.SubjectAccessReviewsGetter
}

func (a *apiReviewer) Allowed(ctx context.Context, token, verb, path string) (bool, string, error) {
	tr, err := a.authn.TokenReviews().Create(ctx,
		&authnv1.TokenReview{Spec: authnv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
	if err != nil {
		return false, "", fmt.Errorf("token review: %w", err)
	}
	if !tr.Status.Authenticated {
		return false, "token not authenticated", nil
	}
	u := tr.Status.User
	extra := map[string]authzv1.ExtraValue{}
	for k, v := range u.Extra {
		extra[k] = authzv1.ExtraValue(v)
	}
	sar, err := a.authz.SubjectAccessReviews().Create(ctx, &authzv1.SubjectAccessReview{
		Spec: authzv1.SubjectAccessReviewSpec{
			User: u.Username, UID: u.UID, Groups: u.Groups, Extra: extra,
			NonResourceAttributes: &authzv1.NonResourceAttributes{Path: path, Verb: verb},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		return false, "", fmt.Errorf("subject access review: %w", err)
	}
	if !sar.Status.Allowed {
		return false, fmt.Sprintf("user %q may not %s %s", u.Username, verb, path), nil
	}
	return true, "", nil
}

// cachingReviewer remembers decisions (never errors) for ttl, keyed by a hash of the
// token so the cache holds no credential.
type cachingReviewer struct {
	next Reviewer
	ttl  time.Duration
	now  func() time.Time

	mu      sync.Mutex
	entries map[[32]byte]decision
}

type decision struct {
	allowed bool
	reason  string
	expires time.Time
}

// NewCachingReviewer wraps next with a decision cache of the given lifetime.
func NewCachingReviewer(next Reviewer, ttl time.Duration, now func() time.Time) Reviewer {
	return &cachingReviewer{next: next, ttl: ttl, now: now, entries: map[[32]byte]decision{}}
}

func (c *cachingReviewer) Allowed(ctx context.Context, token, verb, path string) (bool, string, error) {
	key := sha256.Sum256([]byte(verb + "\x00" + path + "\x00" + token))
	now := c.now()
	c.mu.Lock()
	d, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Before(d.expires) {
		return d.allowed, d.reason, nil
	}
	allowed, reason, err := c.next.Allowed(ctx, token, verb, path)
	if err != nil {
		return false, "", err
	}
	c.mu.Lock()
	for k, e := range c.entries { // drop expired entries so the map stays small
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	c.entries[key] = decision{allowed: allowed, reason: reason, expires: now.Add(c.ttl)}
	c.mu.Unlock()
	return allowed, reason, nil
}

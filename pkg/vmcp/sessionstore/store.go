package sessionstore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/redis/go-redis/v9"

	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// Record is what a replica needs to serve a session it did not start.
type Record struct {
	// Subject is the identity that opened the session ("" for anonymous); a
	// request of another identity is answered as for an unknown session.
	Subject string `json:"subject,omitempty"`
	// State is the MCP state of the session's initialize handshake.
	State *mcp.ServerSessionState `json:"state"`
}

// Store is a Redis-backed session store, safe for concurrent use.
type Store struct {
	rdb    *redis.Client
	prefix string
	ttl    time.Duration
}

// Open connects lazily to the Redis of cfg (the first command dials); password
// may be empty. cfg is normalized (config.Config.Normalize fills keyPrefix). Records live ttl after they were last saved or touched.
func Open(cfg *config.SessionStorage, password string, ttl time.Duration) (*Store, error) {
	if !cfg.Shared() {
		return nil, fmt.Errorf("session storage: provider %q is not shared storage", cfg.Provider)
	}
	opts := &redis.Options{Addr: cfg.Address, DB: int(cfg.DB), Password: password,
		DialTimeout: 5 * time.Second, ReadTimeout: 3 * time.Second, WriteTimeout: 3 * time.Second}
	if t := cfg.TLS; t != nil {
		tc, err := tlsConfig(t)
		if err != nil {
			return nil, err
		}
		opts.TLSConfig = tc
	}
	return &Store{rdb: redis.NewClient(opts), prefix: cfg.KeyPrefix, ttl: ttl}, nil
}

func tlsConfig(t *config.SessionStorageTLS) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // the user's explicit choice, documented as testing only
	if t.CACertFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(t.CACertFile)
	if err != nil {
		return nil, fmt.Errorf("session storage: reading tls.caCertFile: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("session storage: tls.caCertFile %s holds no PEM certificate", t.CACertFile)
	}
	tc.RootCAs = pool
	return tc, nil
}

func (s *Store) key(sid string) string { return s.prefix + "session:" + sid }

// deletedChannel carries the ids of sessions a client deleted, so that every
// replica closes its copy.
func (s *Store) deletedChannel() string { return s.prefix + "session-deleted" }

// Save writes the record of session sid.
func (s *Store) Save(ctx context.Context, sid string, r *Record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("session storage: encoding session %s: %w", sid, err)
	}
	if err := s.rdb.Set(ctx, s.key(sid), data, s.ttl).Err(); err != nil {
		return fmt.Errorf("session storage: saving session: %w", err)
	}
	return nil
}

// Load returns the record of session sid, or nil when there is none.
func (s *Store) Load(ctx context.Context, sid string) (*Record, error) {
	data, err := s.rdb.Get(ctx, s.key(sid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("session storage: loading session: %w", err)
	}
	r := &Record{}
	if err := json.Unmarshal(data, r); err != nil || r.State == nil {
		return nil, fmt.Errorf("session storage: session %s: malformed record", sid)
	}
	return r, nil
}

// Touch extends the life of session sid by the store's ttl.
func (s *Store) Touch(ctx context.Context, sid string) error {
	if err := s.rdb.PExpire(ctx, s.key(sid), s.ttl).Err(); err != nil {
		return fmt.Errorf("session storage: touching session: %w", err)
	}
	return nil
}

// Delete removes session sid and tells every replica (Deleted).
func (s *Store) Delete(ctx context.Context, sid string) error {
	if err := s.rdb.Del(ctx, s.key(sid)).Err(); err != nil {
		return fmt.Errorf("session storage: deleting session: %w", err)
	}
	if err := s.rdb.Publish(ctx, s.deletedChannel(), sid).Err(); err != nil {
		return fmt.Errorf("session storage: announcing the deletion: %w", err)
	}
	return nil
}

// Deleted calls f with the id of every session deleted (on any replica) until
// ctx ends. It returns once subscribed, so a deletion after it returns is seen.
func (s *Store) Deleted(ctx context.Context, f func(sid string)) error {
	sub := s.rdb.Subscribe(ctx, s.deletedChannel())
	if _, err := sub.Receive(ctx); err != nil {
		_ = sub.Close()
		return fmt.Errorf("session storage: subscribing to deletions: %w", err)
	}
	go func() {
		defer sub.Close()
		ch := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-ch:
				if !ok {
					return
				}
				f(m.Payload)
			}
		}
	}()
	return nil
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("session storage: redis %s: %w", s.rdb.Options().Addr, err)
	}
	return nil
}

// Close closes the connections.
func (s *Store) Close() error { return s.rdb.Close() }

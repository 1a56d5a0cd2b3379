package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// DefaultKubeVersion is the Kubernetes version charts see when none was discovered.
const DefaultKubeVersion = "v1.34.0"

// Renderer renders the chart mapped to a kind. It is safe for concurrent use: charts are
// read-only after loading and every Render builds its own template set.
type Renderer struct {
	charts map[schema.GroupKind]*Chart
	caps   *chartutil.Capabilities
}

// Options configure NewRenderer.
type Options struct {
	// Watches is the parsed watches.yaml.
	Watches []Watch
	// Charts is the root the watches' chart paths are relative to.
	Charts fs.FS
	// KubeVersion is what .Capabilities.KubeVersion reports (e.g. from discovery);
	// DefaultKubeVersion when empty.
	KubeVersion string
}

// NewRenderer loads every chart named by the watches.
func NewRenderer(o Options) (*Renderer, error) {
	charts, err := LoadCharts(o.Charts, o.Watches)
	if err != nil {
		return nil, err
	}
	kv := o.KubeVersion
	if kv == "" {
		kv = DefaultKubeVersion
	}
	parsed, err := chartutil.ParseKubeVersion(kv)
	if err != nil {
		return nil, fmt.Errorf("kube version %q: %w", kv, err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *parsed
	return &Renderer{charts: charts, caps: caps}, nil
}

// Has reports whether a chart is mapped to gk.
func (r *Renderer) Has(gk schema.GroupKind) bool { _, ok := r.charts[gk]; return ok }

// Release names the resource a chart is rendered for: .Release.Name and .Release.Namespace.
type Release struct {
	Name      string
	Namespace string
}

// Render executes the chart of gk with values (a typed struct, marshalled through its JSON
// tags, then the watch's overrideValues) and returns the decoded objects in a stable order
// (template file name, then document order). Empty documents are dropped.
func (r *Renderer) Render(gk schema.GroupKind, rel Release, values any) ([]*unstructured.Unstructured, error) {
	c, ok := r.charts[gk]
	if !ok {
		return nil, fmt.Errorf("no chart is mapped to %s in the watches file", gk)
	}
	vals, err := toMap(values)
	if err != nil {
		return nil, fmt.Errorf("chart values for %s: %w", gk, err)
	}
	overrides(vals, c.Watch.OverrideValues)
	top, err := chartutil.ToRenderValues(c.Chart, vals,
		chartutil.ReleaseOptions{Name: rel.Name, Namespace: rel.Namespace, IsInstall: true, Revision: 1}, r.caps)
	if err != nil {
		return nil, fmt.Errorf("chart %s values: %w", c.Chart.Name(), err)
	}
	files, err := engine.Engine{}.Render(c.Chart, top)
	if err != nil {
		return nil, fmt.Errorf("render chart %s: %w", c.Chart.Name(), err)
	}
	return decodeFiles(files)
}

// toMap turns a values struct into the map helm expects.
func toMap(v any) (map[string]any, error) {
	if m, ok := v.(map[string]any); ok {
		return m, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeFiles decodes every rendered manifest (not NOTES.txt, not partials) in name order.
func decodeFiles(files map[string]string) ([]*unstructured.Unstructured, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		base := path.Base(n)
		if strings.HasPrefix(base, "_") || strings.HasSuffix(n, "NOTES.txt") {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*unstructured.Unstructured
	for _, n := range names {
		objs, err := Decode([]byte(files[n]))
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", n, err)
		}
		out = append(out, objs...)
	}
	return out, nil
}

// Decode splits a multi-document YAML (or JSON) stream into objects, skipping empty documents.
func Decode(data []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		if u.GetKind() == "" || u.GetAPIVersion() == "" || u.GetName() == "" {
			return nil, fmt.Errorf("document without apiVersion, kind or metadata.name: %v", m)
		}
		out = append(out, u)
	}
}

// Find returns the first object of kind with name, or nil.
func Find(objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

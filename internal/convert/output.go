package convert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// objectMap is o as a plain map without status and server-set metadata, so the
// output holds only what a user writes.
func objectMap(o client.Object) (map[string]any, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", o.GetName(), err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if meta, ok := m["metadata"].(map[string]any); ok {
		delete(meta, "creationTimestamp")
	}
	return m, nil
}

// YAML writes the objects as one multi-document YAML stream. Keys are sorted at
// every level, so the same input always gives the same bytes.
func YAML(objs []client.Object) ([]byte, error) {
	var buf bytes.Buffer
	for i, o := range objs {
		m, err := objectMap(o)
		if err != nil {
			return nil, err
		}
		y, err := yaml.Marshal(m)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(y)
	}
	return buf.Bytes(), nil
}

// WriteDir writes one file per object into dir, named <kind>-<name>.yaml in lower case.
func WriteDir(dir string, objs []client.Object) ([]string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	var files []string
	for _, o := range objs {
		y, err := YAML([]client.Object{o})
		if err != nil {
			return nil, err
		}
		kind := strings.ToLower(o.GetObjectKind().GroupVersionKind().Kind)
		path := filepath.Join(dir, kind+"-"+o.GetName()+".yaml")
		if err := os.WriteFile(path, y, 0o644); err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
		files = append(files, path)
	}
	return files, nil
}

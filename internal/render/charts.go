package render

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Chart is a loaded chart and the watch that selected it.
type Chart struct {
	Watch Watch
	Chart *chart.Chart
}

// LoadCharts loads the chart of every watch from root, once. root is the embedded
// helm-charts file system or os.DirFS(--charts-dir); absolute chart paths are read from disk.
func LoadCharts(root fs.FS, watches []Watch) (map[schema.GroupKind]*Chart, error) {
	out := make(map[schema.GroupKind]*Chart, len(watches))
	for _, w := range watches {
		var (
			c   *chart.Chart
			err error
		)
		if filepath.IsAbs(w.Chart) {
			c, err = loader.LoadDir(w.Chart)
		} else {
			c, err = loadFS(root, path.Clean(w.Chart))
		}
		if err != nil {
			return nil, fmt.Errorf("load chart %q for %s: %w", w.Chart, w.GroupKind(), err)
		}
		out[w.GroupKind()] = &Chart{Watch: w, Chart: c}
	}
	return out, nil
}

// loadFS reads every file under dir in fsys and hands them to helm's loader.
func loadFS(fsys fs.FS, dir string) (*chart.Chart, error) {
	var files []*loader.BufferedFile
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(p, dir+"/"), Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no files under %q", dir)
	}
	return loader.LoadFiles(files)
}

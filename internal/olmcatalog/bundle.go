package olmcatalog

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/internal/ociimage"
)

// Version is one bundle of the upgrade channel.
type Version struct {
	// Version is the CSV's spec.version, e.g. "0.2.0"; the CSV is named <package>.v<Version>.
	Version string
	// Replaces names the CSV this one upgrades (spec.replaces); empty for the first.
	Replaces string
}

// projectImage matches the project's own image references in the bundle.
var projectImage = regexp.MustCompile(`(ghcr\.io/mcp-operator/[a-z0-9-]+):[A-Za-z0-9._-]+`)

// WriteBundle copies the bundle directory src to dst as version v: the CSV renamed and
// versioned (with spec.replaces), and every project image pointed at tag imageTag (the
// images the dev cluster has). It returns the CSV's name.
func WriteBundle(src, dst, pkg string, v Version, imageTag string) (string, error) {
	if err := os.RemoveAll(dst); err != nil {
		return "", fmt.Errorf("clean %s: %w", dst, err)
	}
	if err := CopyTree(src, dst); err != nil {
		return "", err
	}
	csvs, err := filepath.Glob(filepath.Join(dst, "manifests", "*.clusterserviceversion.yaml"))
	if err != nil || len(csvs) != 1 {
		return "", fmt.Errorf("bundle %s: want one CSV in manifests/, found %v (%v)", src, csvs, err)
	}
	data, err := os.ReadFile(csvs[0])
	if err != nil {
		return "", fmt.Errorf("read CSV: %w", err)
	}
	name := csvName(pkg, v.Version)
	out, err := RewriteCSV(data, name, v, imageTag)
	if err != nil {
		return "", fmt.Errorf("%s: %w", csvs[0], err)
	}
	return name, os.WriteFile(csvs[0], out, 0o644)
}

// RewriteCSV renames and versions a CSV and points the project's images at imageTag.
func RewriteCSV(data []byte, name string, v Version, imageTag string) ([]byte, error) {
	data = projectImage.ReplaceAll(data, []byte("${1}:"+imageTag))
	var csv map[string]any
	if err := yaml.Unmarshal(data, &csv); err != nil {
		return nil, fmt.Errorf("parse CSV: %w", err)
	}
	meta, _ := csv["metadata"].(map[string]any)
	spec, _ := csv["spec"].(map[string]any)
	if meta == nil || spec == nil {
		return nil, fmt.Errorf("CSV without metadata or spec")
	}
	meta["name"] = name
	spec["version"] = v.Version
	delete(spec, "replaces")
	if v.Replaces != "" {
		spec["replaces"] = v.Replaces
	}
	return yaml.Marshal(csv)
}

// BundleImage is the image of a bundle directory: manifests/, metadata/ and tests/ at the
// root and the annotations of metadata/annotations.yaml as labels, as a bundle image built
// from bundle.Dockerfile has them.
func BundleImage(dir, ref string) (ociimage.Spec, error) {
	data, err := os.ReadFile(filepath.Join(dir, "metadata", "annotations.yaml"))
	if err != nil {
		return ociimage.Spec{}, fmt.Errorf("bundle annotations: %w", err)
	}
	var ann struct {
		Annotations map[string]string `json:"annotations"`
	}
	if err := yaml.Unmarshal(data, &ann); err != nil {
		return ociimage.Spec{}, fmt.Errorf("parse %s/metadata/annotations.yaml: %w", dir, err)
	}
	var layer []ociimage.Entry
	for _, d := range []string{"manifests", "metadata", "tests"} {
		if _, err := os.Stat(filepath.Join(dir, d)); err == nil {
			layer = append(layer, ociimage.Entry{Path: "/" + d, Source: filepath.Join(dir, d)})
		}
	}
	return ociimage.Spec{Ref: ref, Layers: [][]ociimage.Entry{layer}, Labels: ann.Annotations}, nil
}

// CopyTree copies the directory tree src to dst.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("copy %s: %w", p, err)
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// csvName is the CSV name of a package version.
func csvName(pkg, version string) string { return pkg + ".v" + strings.TrimPrefix(version, "v") }

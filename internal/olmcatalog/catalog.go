package olmcatalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/mcp-operator/mcp-operator/internal/ociimage"
)

// Bundle is a bundle directory and the image that carries it.
type Bundle struct {
	Dir, Image, CSV, Replaces string
}

// Channel builds the FBC of one package with one channel: opm renders each bundle
// directory (its olm.bundle blob, with the properties OLM resolves on), the blob names
// the bundle's image (OLM unpacks it), and the channel's entries carry the replaces edges.
func Channel(opm, pkg, channel string, bundles []Bundle) ([]byte, error) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"schema": "olm.package", "name": pkg, "defaultChannel": channel}); err != nil {
		return nil, err
	}
	var entries []map[string]any
	for _, b := range bundles {
		rendered, err := exec.Command(opm, "render", b.Dir, "-o", "json").Output()
		if err != nil {
			return nil, fmt.Errorf("opm render %s: %w", b.Dir, exitDetail(err))
		}
		var blob map[string]any
		if err := json.Unmarshal(rendered, &blob); err != nil {
			return nil, fmt.Errorf("opm render %s: %w", b.Dir, err)
		}
		if blob["name"] != b.CSV {
			return nil, fmt.Errorf("bundle %s renders as %v, want %s", b.Dir, blob["name"], b.CSV)
		}
		blob["image"] = b.Image
		if err := enc.Encode(blob); err != nil {
			return nil, err
		}
		e := map[string]any{"name": b.CSV}
		if b.Replaces != "" {
			e["replaces"] = b.Replaces
		}
		entries = append(entries, e)
	}
	if err := enc.Encode(map[string]any{"schema": "olm.channel", "package": pkg, "name": channel, "entries": entries}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// WriteConfigs writes the FBC of pkg under dir/<pkg>/catalog.json and validates it with opm.
func WriteConfigs(opm, dir, pkg string, fbc []byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, pkg, "catalog.json"), fbc, 0o644); err != nil {
		return err
	}
	if err := exec.Command(opm, "validate", dir).Run(); err != nil {
		return fmt.Errorf("opm validate %s: %w", dir, exitDetail(err))
	}
	return nil
}

// CatalogImage serves the FBC in configsDir the way OLM's registry pods expect: `opm
// serve /configs` on :50051, grpc_health_probe for the pod's probes, the index label. opm
// builds its cache at start (an image built by a Dockerfile pre-builds it with a RUN step,
// which an image assembled without a container runtime cannot run).
func CatalogImage(ref, opm, probe, configsDir string) ociimage.Spec {
	return ociimage.Spec{
		Ref: ref,
		Layers: [][]ociimage.Entry{
			append(ociimage.BaseFiles(), ociimage.Entry{Path: "/bin/opm", Source: opm}, ociimage.Entry{Path: "/bin/grpc_health_probe", Source: probe}),
			{{Path: "/configs", Source: configsDir}},
		},
		Entrypoint: []string{"/bin/opm"},
		Cmd:        []string{"serve", "/configs"},
		Labels:     map[string]string{"operators.operatorframework.io.index.configs.v1": "/configs"},
	}
}

// OLMImage holds OLM's binaries at the paths its manifests and Jobs name (/bin/olm,
// /bin/catalog, /bin/package-server, /bin/copy-content, /bin/cpb) and the /bin/cp the
// bundle unpack Job runs (busybox).
func OLMImage(ref, olmDir, busybox string) ociimage.Spec {
	files := append(ociimage.BaseFiles(), ociimage.Entry{Path: "/bin/busybox", Source: busybox}, ociimage.Entry{Path: "/bin/cp", Link: "busybox"})
	for _, b := range []string{"olm", "catalog", "package-server", "copy-content", "cpb"} {
		files = append(files, ociimage.Entry{Path: "/bin/" + b, Source: filepath.Join(olmDir, b)})
	}
	return ociimage.Spec{Ref: ref, Layers: [][]ociimage.Entry{files}, Entrypoint: []string{"/bin/olm"}}
}

// OPMImage is the image the unpack Job runs `opm alpha bundle extract` in.
func OPMImage(ref, opm string) ociimage.Spec {
	return ociimage.Spec{Ref: ref, Layers: [][]ociimage.Entry{append(ociimage.BaseFiles(), ociimage.Entry{Path: "/bin/opm", Source: opm})},
		Entrypoint: []string{"/bin/opm"}}
}

// ScorecardTestImage runs operator-sdk's scorecard-test (the basic and olm suites), as
// the upstream image quay.io/operator-framework/scorecard-test does.
func ScorecardTestImage(ref, scorecardTest string) ociimage.Spec {
	return ociimage.Spec{Ref: ref, Layers: [][]ociimage.Entry{append(ociimage.BaseFiles(),
		ociimage.Entry{Path: "/usr/local/bin/scorecard-test", Source: scorecardTest})},
		Entrypoint: []string{"/usr/local/bin/scorecard-test"}, Env: []string{"HOME=/tmp"}, WorkingDir: "/tmp"}
}

// UntarImage is scorecard's init container image: it runs `tar xvzf` (busybox).
func UntarImage(ref, busybox string) ociimage.Spec {
	return ociimage.Spec{Ref: ref, Layers: [][]ociimage.Entry{append(ociimage.BaseFiles(),
		ociimage.Entry{Path: "/bin/busybox", Source: busybox}, ociimage.Entry{Path: "/bin/tar", Link: "busybox"})}}
}

func exitDetail(err error) error {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, bytes.TrimSpace(ee.Stderr))
	}
	return err
}

package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcp-operator/mcp-operator/internal/ociimage"
	"github.com/mcp-operator/mcp-operator/internal/olmcatalog"
)

// The OLM side of the dev cluster. OLM pulls catalog and bundle images always (it only
// trusts a digest to be current), so those two are named for the registry test-olm runs
// inside the node's namespace; OLM's own images are imported like the others.
const (
	// olmRegistry is the registry test-olm serves inside the node's network namespace.
	olmRegistry         = "localhost:5000"
	olmPackage          = "mcp-operator"
	olmChannel          = "alpha"
	olmImageRef         = "localhost/olm/olm:v0.38.0"
	opmImageRef         = "localhost/olm/opm:v1.61.0"
	catalogImageRef     = olmRegistry + "/mcp-operator/catalog:" + ImageTag
	bundleImageRepo     = olmRegistry + "/mcp-operator/bundle"
	scorecardTestRef    = "localhost/olm/scorecard-test:v1.42.2"
	scorecardUntarRef   = "localhost/olm/scorecard-untar:" + ImageTag
	olmManifestsVersion = "v0.38.0"
)

// upgradeChannel is the channel the catalog serves: the bundle as generated, then a
// second version replacing it, so that test-olm can upgrade through the channel.
var upgradeChannel = []olmcatalog.Version{
	{Version: "0.1.0"},
	{Version: "0.2.0", Replaces: olmPackage + ".v0.1.0"},
}

// cmdCatalog builds the OLM images into --out: OLM, opm, scorecard-test, scorecard's
// untar image, a bundle image per version of the channel and the FBC catalog image serving
// them; and OLM's Helm chart with the values that point it at those images (--out/chart,
// --out/olm-values.yaml).
func cmdCatalog(args []string) error {
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	bundleDir := fs.String("bundle", "bundle", "the operator's bundle directory")
	olmDir := fs.String("olm", "bin/olm/"+olmManifestsVersion, "OLM's binaries and manifests/ (hack/install-tools.sh olm)")
	opm := fs.String("opm", "bin/opm", "opm binary")
	probe := fs.String("grpc-health-probe", "bin/olm/grpc_health_probe-v0.4.40", "grpc_health_probe binary")
	scorecard := fs.String("scorecard-test", "bin/olm/scorecard-test-v1.42.2", "scorecard-test binary")
	busybox := fs.String("busybox", "/bin/busybox", "a static busybox (cp and tar for OLM's and scorecard's pods)")
	out := fs.String("out", "bin/images/olm", "output folder")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// bin/ holds links to versioned binaries: the images need the files themselves.
	for _, p := range []*string{olmDir, opm, probe, scorecard, busybox} {
		real, err := filepath.EvalSymlinks(*p)
		if err != nil {
			return fmt.Errorf("%s (run hack/install-tools.sh olm): %w", *p, err)
		}
		*p = real
	}
	work := filepath.Join(*out, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", work, err)
	}
	images := []ociimage.Spec{
		olmcatalog.OLMImage(olmImageRef, *olmDir, *busybox),
		olmcatalog.OPMImage(opmImageRef, *opm),
		olmcatalog.ScorecardTestImage(scorecardTestRef, *scorecard),
		olmcatalog.UntarImage(scorecardUntarRef, *busybox),
	}
	var bundles []olmcatalog.Bundle
	for _, v := range upgradeChannel {
		dir := filepath.Join(work, "bundle-v"+v.Version)
		csv, err := olmcatalog.WriteBundle(*bundleDir, dir, olmPackage, v, ImageTag)
		if err != nil {
			return err
		}
		ref := bundleImageRepo + ":v" + v.Version
		spec, err := olmcatalog.BundleImage(dir, ref)
		if err != nil {
			return err
		}
		images = append(images, spec)
		bundles = append(bundles, olmcatalog.Bundle{Dir: dir, Image: ref, CSV: csv, Replaces: v.Replaces})
	}
	fbc, err := olmcatalog.Channel(*opm, olmPackage, olmChannel, bundles)
	if err != nil {
		return err
	}
	configs := filepath.Join(work, "configs")
	if err := olmcatalog.WriteConfigs(*opm, configs, olmPackage, fbc); err != nil {
		return err
	}
	images = append(images, olmcatalog.CatalogImage(catalogImageRef, *opm, *probe, configs))
	for _, spec := range images {
		file := filepath.Join(*out, tarName(spec.Ref))
		if err := ociimage.WriteTarball(file, spec); err != nil {
			return err
		}
		fmt.Printf("%-45s %s\n", spec.Ref, file)
	}
	// OLM's own chart, and the values that point it at the local images.
	chart := filepath.Join(*out, "chart")
	if err := os.RemoveAll(chart); err != nil {
		return err
	}
	if err := olmcatalog.CopyTree(filepath.Join(*olmDir, "chart"), chart); err != nil {
		return fmt.Errorf("OLM's chart (run hack/install-tools.sh olm): %w", err)
	}
	return os.WriteFile(filepath.Join(*out, "olm-values.yaml"), olmcatalog.OLMValues(olmImageRef, opmImageRef), 0o644)
}

// tarName is the tarball file of an image: its last path element and tag.
func tarName(ref string) string {
	base := filepath.Base(ref)
	for i := range base {
		if base[i] == ':' {
			return base[:i] + "-" + base[i+1:] + ".tar"
		}
	}
	return base + ".tar"
}

package ociimage

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestWriteTarballRoundTrip(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "tool")
	if err := os.WriteFile(bin, []byte("#!/bin/true\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "img.tar")
	spec := Spec{Ref: "example.test/tool:dev", Layers: [][]Entry{append(BaseFiles(), Entry{Path: "/tool", Source: bin},
		Entry{Path: "/bin/alias", Link: "/tool"})}, Entrypoint: []string{"/tool"}, Labels: map[string]string{"example.test/kind": "tool"}}
	if err := WriteTarball(out, spec); err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(out, nil)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.User != "65532:65532" || !slices.Equal(cfg.Config.Entrypoint, []string{"/tool"}) || cfg.OS != "linux" || cfg.Architecture != "amd64" {
		t.Fatalf("config user %q entrypoint %v platform %s/%s", cfg.Config.User, cfg.Config.Entrypoint, cfg.OS, cfg.Architecture)
	}
	if cfg.Config.Labels["example.test/kind"] != "tool" {
		t.Fatalf("labels %v", cfg.Config.Labels)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers %d, %v", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string]int64{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = h.Mode
		if h.Name == "bin/alias" && (h.Typeflag != tar.TypeSymlink || h.Linkname != "/tool") {
			t.Fatalf("bin/alias is type %c to %q, want a symlink to /tool", h.Typeflag, h.Linkname)
		}
	}
	if _, ok := files["bin/alias"]; !ok {
		t.Fatalf("no symlink bin/alias in %v", files)
	}
	if files["tool"] != 0o755 || files["tmp/"] != 0o1777 {
		t.Fatalf("layer files %v", files)
	}
	if _, ok := files["etc/passwd"]; !ok {
		t.Fatalf("no /etc/passwd in %v", files)
	}
	// Reproducible: the same inputs give the same digest.
	again := filepath.Join(dir, "again.tar")
	if err := WriteTarball(again, spec); err != nil {
		t.Fatal(err)
	}
	img2, _ := tarball.ImageFromPath(again, nil)
	d1, _ := img.Digest()
	d2, _ := img2.Digest()
	if d1 != d2 {
		t.Fatalf("digests differ: %s %s", d1, d2)
	}
}

func TestPackageClosure(t *testing.T) {
	nm := t.TempDir()
	pkg := func(dir, deps string) {
		if err := os.MkdirAll(filepath.Join(nm, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(nm, dir, "package.json"), []byte(`{"dependencies": {`+deps+`}}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkg("@s/server", `"a": "1", "b": "1"`)
	pkg("a", `"c": "1"`)
	pkg("b", `"c": "2"`)
	pkg("b/node_modules/c", ``) // b's own c wins over the hoisted one
	pkg("c", ``)
	pkg("unused", ``)
	got, err := PackageClosure(nm, "@s/server")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"@s/server", "a", "b", "b/node_modules/c", "c"}
	if !slices.Equal(got, want) {
		t.Fatalf("closure %v, want %v", got, want)
	}
	pkg("broken", `"missing": "1"`)
	if _, err := PackageClosure(nm, "broken"); err == nil {
		t.Fatal("a missing dependency was not reported")
	}
}

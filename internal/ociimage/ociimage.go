package ociimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// NonRootUID is the numeric user of every image: the operator's pods run with runAsNonRoot,
// which the kubelet can only verify for a numeric user.
const NonRootUID = 65532

// epoch makes layers reproducible: the same inputs give the same digests.
var epoch = time.Unix(0, 0)

// Entry is one file of a layer.
type Entry struct {
	// Path inside the image, absolute.
	Path string
	// Source is a host file or directory to copy (directories recursively). Empty with
	// Data nil means an empty directory.
	Source string
	// Data is literal content, used when Source is empty.
	Data []byte
	// Mode of a literal file or directory; 0 means 0644 for files and 0755 for directories.
	Mode int64
	// Link, when set, makes the entry a symbolic link to Link (Source and Data unused).
	Link string
}

// Spec describes one image.
type Spec struct {
	// Ref is the image name, e.g. "ghcr.io/mcp-operator/manager:dev".
	Ref string
	// Layers, bottom first; each is a list of entries.
	Layers [][]Entry
	// Entrypoint, Cmd, Env and WorkingDir go into the image config.
	Entrypoint []string
	Cmd        []string
	Env        []string
	WorkingDir string
	// Labels go into the image config (an OLM bundle or catalog image is known by them).
	Labels map[string]string
}

// Build assembles the image of s.
func Build(s Spec) (v1.Image, error) {
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	for i, entries := range s.Layers {
		data, err := layerTar(entries)
		if err != nil {
			return nil, fmt.Errorf("layer %d of %s: %w", i, s.Ref, err)
		}
		layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}, tarball.WithMediaType(types.OCILayer))
		if err != nil {
			return nil, fmt.Errorf("layer %d of %s: %w", i, s.Ref, err)
		}
		if img, err = mutate.Append(img, mutate.Addendum{Layer: layer, MediaType: types.OCILayer}); err != nil {
			return nil, fmt.Errorf("append layer %d of %s: %w", i, s.Ref, err)
		}
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("config of %s: %w", s.Ref, err)
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	cfg.Created = v1.Time{Time: epoch}
	cfg.Config.Entrypoint = s.Entrypoint
	cfg.Config.Cmd = s.Cmd
	cfg.Config.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin"}, s.Env...)
	cfg.Config.User = fmt.Sprintf("%d:%d", NonRootUID, NonRootUID)
	cfg.Config.WorkingDir = s.WorkingDir
	cfg.Config.Labels = s.Labels
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		return nil, fmt.Errorf("set config of %s: %w", s.Ref, err)
	}
	return img, nil
}

// WriteTarball builds s and writes it to file as an image tarball named s.Ref.
func WriteTarball(file string, s Spec) error {
	img, err := Build(s)
	if err != nil {
		return err
	}
	ref, err := name.ParseReference(s.Ref)
	if err != nil {
		return fmt.Errorf("parse image name %q: %w", s.Ref, err)
	}
	tmp := file + ".tmp"
	if err := tarball.WriteToFile(tmp, ref, img); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return os.Rename(tmp, file)
}

// BaseFiles are the files every image has: a passwd and group naming the non-root user,
// and a writable /tmp.
func BaseFiles() []Entry {
	return []Entry{
		{Path: "/etc/passwd", Data: fmt.Appendf(nil, "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", NonRootUID, NonRootUID)},
		{Path: "/etc/group", Data: fmt.Appendf(nil, "root:x:0:\nnonroot:x:%d:\n", NonRootUID)},
		{Path: "/tmp", Mode: 0o1777},
		{Path: "/home/nonroot", Mode: 0o755},
	}
}

// layerTar writes entries (and their parent directories) into an uncompressed tar.
func layerTar(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{"/": true}
	mkdirs := func(p string) error {
		var missing []string
		for d := path.Dir(p); !dirs[d]; d = path.Dir(d) {
			missing = append(missing, d)
			dirs[d] = true
		}
		sort.Strings(missing)
		for _, d := range missing {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d[1:] + "/", Mode: 0o755, ModTime: epoch}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, e := range entries {
		if err := mkdirs(e.Path); err != nil {
			return nil, err
		}
		var err error
		switch {
		case e.Link != "":
			err = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: e.Path[1:], Linkname: e.Link, Mode: 0o777, ModTime: epoch})
		case e.Source != "":
			err = addHostPath(tw, e.Path, e.Source, dirs, mkdirs)
		case e.Data != nil:
			mode := e.Mode
			if mode == 0 {
				mode = 0o644
			}
			if err = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.Path[1:], Mode: mode, Size: int64(len(e.Data)), ModTime: epoch}); err == nil {
				_, err = tw.Write(e.Data)
			}
		default:
			mode := e.Mode
			if mode == 0 {
				mode = 0o755
			}
			dirs[e.Path] = true
			err = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: e.Path[1:] + "/", Mode: mode, ModTime: epoch})
		}
		if err != nil {
			return nil, fmt.Errorf("add %s: %w", e.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addHostPath copies a host file, symlink or directory tree to dst. Files keep their mode
// bits but belong to root, so the non-root user can read and run them but not change them.
func addHostPath(tw *tar.Writer, dst, src string, dirs map[string]bool, mkdirs func(string) error) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := path.Join(dst, filepath.ToSlash(rel))
		if err := mkdirs(target); err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: target[1:], Mode: int64(info.Mode().Perm()), ModTime: epoch}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, link
			return tw.WriteHeader(hdr)
		case info.IsDir():
			if dirs[target] {
				return nil
			}
			dirs[target] = true
			hdr.Typeflag, hdr.Name = tar.TypeDir, hdr.Name+"/"
			return tw.WriteHeader(hdr)
		case info.Mode().IsRegular():
			hdr.Typeflag, hdr.Size = tar.TypeReg, info.Size()
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		}
		return nil // sockets, devices: not part of an image
	})
}

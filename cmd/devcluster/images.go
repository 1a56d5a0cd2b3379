package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mcp-operator/mcp-operator/internal/devcluster"
	"github.com/mcp-operator/mcp-operator/internal/ociimage"
)

// ImageTag is the tag of the project's own images built for the dev cluster: fixed and not
// "latest", so the kubelet's default pull policy (IfNotPresent) uses the imported image.
const ImageTag = "dev"

// staticImages are the Go binaries of the Dockerfile the node's tests run, plus the pod
// sandbox image.
var staticImages = []struct{ name, ref string }{
	{"manager", "ghcr.io/mcp-operator/manager:" + ImageTag},
	{"vmcp", "ghcr.io/mcp-operator/vmcp:" + ImageTag},
	{"proxyrunner", "ghcr.io/mcp-operator/proxyrunner:" + ImageTag},
	{"optimizer", "ghcr.io/mcp-operator/optimizer:" + ImageTag}, // the seed's Quick Start (test/cluster/optimizer_test.go)
	{"pause", devcluster.PauseImage},
}

// npmServers are the MCP servers from npm that the tests run as pods.
var npmServers = []string{"server-everything", "server-memory", "server-filesystem"}

// NPMServerRef is the image name of an npm MCP server.
func NPMServerRef(server, version string) string {
	return "localhost/mcp-servers/" + server + ":" + version
}

func cmdImages(args []string) error {
	fs := flag.NewFlagSet("images", flag.ContinueOnError)
	binDir := fs.String("binaries", "bin/images/build", "folder holding the static binaries manager, vmcp, proxyrunner, pause")
	nodeModules := fs.String("node-modules", "node_modules", "node_modules holding the npm MCP servers")
	out := fs.String("out", "bin/images", "output folder for the image tarballs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	for _, im := range staticImages {
		bin := filepath.Join(*binDir, im.name)
		spec := ociimage.Spec{
			Ref:        im.ref,
			Layers:     [][]ociimage.Entry{append(ociimage.BaseFiles(), ociimage.Entry{Path: "/" + im.name, Source: bin})},
			Entrypoint: []string{"/" + im.name},
		}
		if err := ociimage.WriteTarball(filepath.Join(*out, im.name+".tar"), spec); err != nil {
			return err
		}
		fmt.Printf("%-40s %s\n", im.ref, filepath.Join(*out, im.name+".tar"))
	}
	nodeLayer, err := nodeRuntime()
	if err != nil {
		return err
	}
	for _, srv := range npmServers {
		spec, err := npmServerSpec(*nodeModules, srv, nodeLayer)
		if err != nil {
			return err
		}
		file := filepath.Join(*out, srv+".tar")
		if err := ociimage.WriteTarball(file, spec); err != nil {
			return err
		}
		fmt.Printf("%-40s %s\n", spec.Ref, file)
	}
	redis, err := redisSpec()
	if err != nil {
		return err
	}
	if err := ociimage.WriteTarball(filepath.Join(*out, "redis.tar"), redis); err != nil {
		return err
	}
	fmt.Printf("%-40s %s\n", redis.Ref, filepath.Join(*out, "redis.tar"))
	return nil
}

// nodeRuntime is the layer holding the host's node binary and its shared libraries.
func nodeRuntime() ([]ociimage.Entry, error) { return hostBinaryLayer("node", "/usr/bin/node") }

// hostBinaryLayer is a layer holding the host's program name at path, plus the shared
// libraries ldd lists for it at their own paths: a dynamically linked Debian program runs
// in an image without a distribution.
func hostBinaryLayer(name, path string) ([]ociimage.Entry, error) {
	bin, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%s is needed for the dev cluster's images (hack/install-tools.sh test): %w", name, err)
	}
	bin, err = filepath.EvalSymlinks(bin)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", name, err)
	}
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", bin, err)
	}
	entries := append(ociimage.BaseFiles(), ociimage.Entry{Path: path, Source: bin})
	for _, lib := range regexp.MustCompile(`(/[^ \t\n]+\.so[^ \t\n]*)`).FindAllString(string(out), -1) {
		real, err := filepath.EvalSymlinks(lib)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", lib, err)
		}
		entries = append(entries, ociimage.Entry{Path: lib, Source: real})
	}
	return entries, nil
}

// RedisRef is the image of the host's redis-server that test/cluster's shared-session
// scenario runs as the VirtualMCPServer's session store.
func RedisRef(version string) string { return "localhost/redis:" + version }

// redisSpec is the Redis image: the Debian redis-server the unit tests use, with its
// libraries; persistence off, so the read-only root filesystem is no obstacle.
func redisSpec() (ociimage.Spec, error) {
	layer, err := hostBinaryLayer("redis-server", "/usr/bin/redis-server")
	if err != nil {
		return ociimage.Spec{}, err
	}
	out, err := exec.Command("redis-server", "--version").Output()
	if err != nil {
		return ociimage.Spec{}, fmt.Errorf("redis-server --version: %w", err)
	}
	m := regexp.MustCompile(`v=([0-9.]+)`).FindStringSubmatch(string(out))
	if m == nil {
		return ociimage.Spec{}, fmt.Errorf("no version in %q", out)
	}
	return ociimage.Spec{
		Ref:        RedisRef(m[1]),
		Layers:     [][]ociimage.Entry{layer},
		Entrypoint: []string{"/usr/bin/redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"},
		WorkingDir: "/tmp",
	}, nil
}

// npmServerSpec is the image of one npm MCP server: the node layer plus the server's
// package closure under /app/node_modules; the entrypoint is the package's bin script.
func npmServerSpec(nodeModules, server string, nodeLayer []ociimage.Entry) (ociimage.Spec, error) {
	pkg := "@modelcontextprotocol/" + server
	var pj struct {
		Version string            `json:"version"`
		Bin     map[string]string `json:"bin"`
	}
	data, err := os.ReadFile(filepath.Join(nodeModules, pkg, "package.json"))
	if err != nil {
		return ociimage.Spec{}, fmt.Errorf("read %s (run hack/install-tools.sh npm): %w", pkg, err)
	}
	if err := json.Unmarshal(data, &pj); err != nil {
		return ociimage.Spec{}, fmt.Errorf("parse package.json of %s: %w", pkg, err)
	}
	var script string
	for _, s := range pj.Bin {
		script = s
	}
	if script == "" {
		return ociimage.Spec{}, fmt.Errorf("%s has no bin script", pkg)
	}
	dirs, err := ociimage.PackageClosure(nodeModules, pkg)
	if err != nil {
		return ociimage.Spec{}, err
	}
	var app []ociimage.Entry
	for _, d := range dirs {
		if strings.Contains(d, "/node_modules/") {
			continue // copied with its parent package
		}
		app = append(app, ociimage.Entry{Path: "/app/node_modules/" + d, Source: filepath.Join(nodeModules, d)})
	}
	return ociimage.Spec{
		Ref:        NPMServerRef(server, pj.Version),
		Layers:     [][]ociimage.Entry{nodeLayer, app},
		Entrypoint: []string{"/usr/bin/node", filepath.Join("/app/node_modules", pkg, script)},
		// server-memory keeps its file next to its script unless told otherwise; the root
		// filesystem of the operator's pods is read-only, /tmp is the writable place.
		Env:        []string{"MEMORY_FILE_PATH=/tmp/memory.jsonl", "HOME=/tmp"},
		WorkingDir: "/tmp",
	}, nil
}

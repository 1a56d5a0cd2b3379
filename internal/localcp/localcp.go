package localcp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// K8sVersion is the version of the control plane binaries under bin/k8s.
const K8sVersion = "1.34.4"

// Options configure Start.
type Options struct {
	// RepoRoot holds bin/k8s and config/crd/bases.
	RepoRoot string
	// Dir receives the kubeconfig and the control plane's data; a temporary
	// directory when empty.
	Dir string
}

// ControlPlane is a running etcd + kube-apiserver with the CRDs installed.
type ControlPlane struct {
	env *envtest.Environment
	// Config connects as an administrator.
	Config *rest.Config
	// Kubeconfig is the path of a kubeconfig file for the administrator.
	Kubeconfig string
	// Kubectl is the path of the kubectl binary matching the control plane.
	Kubectl string
}

// AssetsDir is where `make tools` puts kube-apiserver, etcd and kubectl.
func AssetsDir(repoRoot string) string {
	return filepath.Join(repoRoot, "bin", "k8s", K8sVersion+"-linux-amd64")
}

// Start starts etcd and kube-apiserver, installs the CRDs and writes the kubeconfig.
// A missing binary or CRD directory is an error that says how to get it.
func Start(o Options) (*ControlPlane, error) {
	assets := AssetsDir(o.RepoRoot)
	for _, b := range []string{"etcd", "kube-apiserver", "kubectl"} {
		if _, err := os.Stat(filepath.Join(assets, b)); err != nil {
			return nil, fmt.Errorf("%s is missing from %s: run `make tools`", b, assets)
		}
	}
	crds := filepath.Join(o.RepoRoot, "config", "crd", "bases")
	if _, err := os.Stat(crds); err != nil {
		return nil, fmt.Errorf("CRDs are missing from %s: run `make manifests`", crds)
	}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "mcp-localcp-")
		if err != nil {
			return nil, err
		}
		dir = d
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory:    assets,
		CRDDirectoryPaths:        []string{crds},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: time.Minute,
	}
	env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "10.0.0.0/16")
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting etcd and kube-apiserver: %w", err)
	}
	cp := &ControlPlane{env: env, Config: cfg, Kubectl: filepath.Join(assets, "kubectl")}
	if err := cp.writeKubeconfig(filepath.Join(dir, "kubeconfig")); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return cp, nil
}

// writeKubeconfig adds an administrator (group system:masters) and writes its kubeconfig.
func (c *ControlPlane) writeKubeconfig(path string) error {
	user, err := c.env.ControlPlane.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("creating the admin user: %w", err)
	}
	data, err := user.KubeConfig()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return err
	}
	c.Kubeconfig = path
	return nil
}

// Stop stops kube-apiserver and etcd.
func (c *ControlPlane) Stop() error {
	if c == nil || c.env == nil {
		return errors.New("control plane not started")
	}
	return c.env.Stop()
}

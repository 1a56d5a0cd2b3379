package devcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// component is one long-running process of the node.
type component struct {
	name string
	args []string
	cmd  *exec.Cmd
	done chan error
}

// components lists the node's processes in start order, with their flags.
func components(l Layout) map[string][]string {
	pki := func(f string) string { return filepath.Join(l.PKIDir(), f) }
	return map[string][]string{
		"etcd": {"--data-dir", l.path("etcd"), "--listen-client-urls", "http://127.0.0.1:2379",
			"--advertise-client-urls", "http://127.0.0.1:2379", "--listen-peer-urls", "http://127.0.0.1:2380",
			"--listen-metrics-urls", "http://127.0.0.1:2381", "--unsafe-no-fsync", "--log-level", "warn"},
		"kube-apiserver": {"--etcd-servers", "http://127.0.0.1:2379", "--advertise-address", NodeIP,
			"--bind-address", "0.0.0.0", "--secure-port", "6443", "--cert-dir", l.path("apiserver-certs"),
			"--client-ca-file", pki("ca.crt"), "--tls-cert-file", pki("apiserver.crt"), "--tls-private-key-file", pki("apiserver.key"),
			"--kubelet-client-certificate", pki("apiserver-kubelet-client.crt"), "--kubelet-client-key", pki("apiserver-kubelet-client.key"),
			"--service-account-key-file", pki("sa.pub"), "--service-account-signing-key-file", pki("sa.key"),
			"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
			"--service-cluster-ip-range", ServiceCIDR, "--authorization-mode", "Node,RBAC",
			"--anonymous-auth=false", "--allow-privileged=true", "--enable-admission-plugins", "NodeRestriction",
			"--kubelet-preferred-address-types", "InternalIP", "--profiling=false", "--v=0",
			"--requestheader-client-ca-file", pki("front-proxy-ca.crt"), "--requestheader-allowed-names", FrontProxyClient,
			"--requestheader-username-headers", "X-Remote-User", "--requestheader-group-headers", "X-Remote-Group",
			"--requestheader-extra-headers-prefix", "X-Remote-Extra-", "--proxy-client-cert-file", pki("front-proxy-client.crt"),
			"--proxy-client-key-file", pki("front-proxy-client.key"), "--enable-aggregator-routing=true"},
		"kube-controller-manager": {"--kubeconfig", pki("controller-manager.kubeconfig"),
			"--authentication-kubeconfig", pki("controller-manager.kubeconfig"), "--authorization-kubeconfig", pki("controller-manager.kubeconfig"),
			"--service-account-private-key-file", pki("sa.key"), "--root-ca-file", pki("ca.crt"),
			"--cluster-signing-cert-file", pki("ca.crt"), "--cluster-signing-key-file", pki("ca.key"),
			"--use-service-account-credentials=true", "--leader-elect=false", "--bind-address", "127.0.0.1",
			"--controllers", "*,-bootstrapsigner,-tokencleaner,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller",
			"--concurrent-deployment-syncs", "5", "--node-monitor-grace-period", "40s"},
		"kube-scheduler": {"--kubeconfig", pki("scheduler.kubeconfig"), "--authentication-kubeconfig", pki("scheduler.kubeconfig"),
			"--authorization-kubeconfig", pki("scheduler.kubeconfig"), "--leader-elect=false", "--bind-address", "127.0.0.1"},
		"containerd": {"--config", l.path("containerd", "config.toml"), "--log-level", "warn"},
		"kubelet": {"--config", l.path("kubelet.yaml"), "--kubeconfig", pki("kubelet.kubeconfig"),
			"--root-dir", "/var/lib/kubelet", "--cert-dir", l.path("kubelet", "pki"),
			"--hostname-override", NodeName, "--node-ip", NodeIP, "--v=0"},
		"kube-proxy": {"--config", l.path("kube-proxy.yaml")},
		"coredns":    {"-conf", l.path("Corefile")},
	}
}

// Supervisor starts the cluster, keeps it running until ctx ends or a component dies, and
// tears it down.
type Supervisor struct {
	// Layout names the cluster's files and binaries.
	Layout Layout
	// Log receives progress lines.
	Log func(format string, args ...any)
	// state is filled once the namespace holder runs.
	state State
	// procs are the started components, in start order.
	procs []*component
}

// Run brings the cluster up and blocks until ctx is cancelled or a component exits; it
// always tears the cluster down before returning.
func (s *Supervisor) Run(ctx context.Context) (err error) {
	defer func() {
		if terr := s.teardown(); terr != nil {
			err = errors.Join(err, terr)
		}
	}()
	if err := s.up(ctx); err != nil {
		return err
	}
	if err := os.WriteFile(s.Layout.ReadyFile(), []byte(time.Now().Format(time.RFC3339)), 0o644); err != nil {
		return fmt.Errorf("write ready marker: %w", err)
	}
	s.Log("cluster ready")
	return s.watch(ctx)
}

func (s *Supervisor) up(ctx context.Context) error {
	start := time.Now()
	l := s.Layout
	if err := Cleanup(l); err != nil {
		return fmt.Errorf("clean up previous run: %w", err)
	}
	if err := os.RemoveAll(l.Dir); err != nil {
		return fmt.Errorf("remove previous state: %w", err)
	}
	if err := os.MkdirAll(l.Dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", l.Dir, err)
	}
	if err := writeConfigs(l); err != nil {
		return err
	}
	if err := writePKI(l); err != nil {
		return err
	}
	holderLog, err := os.Create(filepath.Join(l.LogDir(), "holder.log"))
	if err != nil {
		return fmt.Errorf("create holder log: %w", err)
	}
	defer holderLog.Close()
	if s.state, err = startHolder(holderLog); err != nil {
		return err
	}
	s.state.SupervisorPID = os.Getpid()
	if err := writeState(l, s.state); err != nil {
		return err
	}
	if err := prepareNamespace(s.state, l); err != nil {
		return err
	}
	if err := createCgroupRoot(); err != nil {
		return err
	}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"etcd", s.starter("etcd")},
		{"kube-apiserver", s.starter("kube-apiserver")},
		{"apiserver ready", s.waitAPIServer},
		{"coredns rbac", s.kubectlStep("apply", "-f", l.path("coredns-rbac.yaml"))},
		{"kube-controller-manager", s.starter("kube-controller-manager")},
		{"kube-scheduler", s.starter("kube-scheduler")},
		{"containerd", s.starter("containerd")},
		{"containerd ready", s.waitContainerd},
		{"import images", s.importImages},
		{"kubelet", s.starter("kubelet")},
		{"kube-proxy", s.starter("kube-proxy")},
		{"coredns", s.starter("coredns")},
		{"node ready", s.waitNodeReady},
		{"default service account", s.waitDefaultServiceAccount},
	}
	for _, st := range steps {
		t := time.Now()
		if err := st.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		s.Log("%-26s %5.1fs", st.name, time.Since(t).Seconds())
	}
	s.Log("bring-up took %.1fs", time.Since(start).Seconds())
	return nil
}

func (s *Supervisor) starter(name string) func(context.Context) error {
	return func(context.Context) error {
		args := components(s.Layout)[name]
		logf, err := os.Create(filepath.Join(s.Layout.LogDir(), name+".log"))
		if err != nil {
			return fmt.Errorf("create log: %w", err)
		}
		cmd := s.state.Command(s.Layout.bin(name), args...)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			logf.Close()
			return fmt.Errorf("start %s: %w", name, err)
		}
		c := &component{name: name, args: args, cmd: cmd, done: make(chan error, 1)}
		go func() { c.done <- cmd.Wait(); logf.Close() }()
		s.procs = append(s.procs, c)
		return nil
	}
}

// Kubectl runs kubectl as the cluster admin inside the namespaces.
func (st State) Kubectl(l Layout, args ...string) (string, error) {
	return st.run(l.bin("kubectl"), append([]string{"--kubeconfig", l.AdminKubeconfig()}, args...)...)
}

func (s *Supervisor) kubectlStep(args ...string) func(context.Context) error {
	return func(context.Context) error {
		_, err := s.state.Kubectl(s.Layout, args...)
		return err
	}
}

// poll calls fn until it succeeds, a component dies, or the timeout passes.
func (s *Supervisor) poll(ctx context.Context, timeout time.Duration, fn func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return nil
		}
		if dead := s.deadComponent(); dead != nil {
			return dead
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (s *Supervisor) waitAPIServer(ctx context.Context) error {
	return s.poll(ctx, 90*time.Second, func() error {
		_, err := s.state.Kubectl(s.Layout, "get", "--raw", "/readyz")
		return err
	})
}

func (s *Supervisor) waitNodeReady(ctx context.Context) error {
	return s.poll(ctx, 120*time.Second, func() error {
		out, err := s.state.Kubectl(s.Layout, "get", "node", NodeName, "-o", `jsonpath={.status.conditions[?(@.type=="Ready")].status}`)
		if err == nil && strings.TrimSpace(out) != "True" {
			err = fmt.Errorf("node %s Ready=%q", NodeName, out)
		}
		return err
	})
}

func (s *Supervisor) waitDefaultServiceAccount(ctx context.Context) error {
	return s.poll(ctx, 60*time.Second, func() error {
		_, err := s.state.Kubectl(s.Layout, "get", "serviceaccount", "default", "-n", "default")
		return err
	})
}

func (s *Supervisor) ctr(args ...string) (string, error) {
	out, err := exec.Command("ctr", append([]string{"--address", s.Layout.ContainerdSocket(), "-n", "k8s.io"}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ctr %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func (s *Supervisor) waitContainerd(ctx context.Context) error {
	return s.poll(ctx, 30*time.Second, func() error {
		_, err := s.ctr("version")
		return err
	})
}

// importImages loads every OCI tarball of ImagesDir into containerd's k8s.io namespace;
// the pause image must be among them (there is no registry to pull it from).
func (s *Supervisor) importImages(context.Context) error {
	tars, _ := filepath.Glob(filepath.Join(s.Layout.ImagesDir, "*.tar"))
	if len(tars) == 0 {
		return fmt.Errorf("no image tarballs in %s (run `make images`)", s.Layout.ImagesDir)
	}
	return ImportImages(s.Layout, tars...)
}

// ImportImages imports image tarballs into the node's containerd (its socket is a file,
// reachable from the host namespace).
func ImportImages(l Layout, tars ...string) error {
	for _, t := range tars {
		out, err := exec.Command("ctr", "--address", l.ContainerdSocket(), "-n", "k8s.io", "images", "import", "--no-unpack", t).CombinedOutput()
		if err != nil {
			return fmt.Errorf("import %s: %w: %s", t, err, out)
		}
	}
	return nil
}

func (s *Supervisor) deadComponent() error {
	for _, c := range s.procs {
		select {
		case err := <-c.done:
			c.done <- err
			return fmt.Errorf("%s exited (%v); see %s", c.name, err, filepath.Join(s.Layout.LogDir(), c.name+".log"))
		default:
		}
	}
	return nil
}

// watch blocks until ctx ends or a component exits.
func (s *Supervisor) watch(ctx context.Context) error {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := s.deadComponent(); err != nil {
				return err
			}
		}
	}
}

// teardown stops the components in reverse order (SIGTERM, then whatever is left in the
// namespace is killed) and removes the cgroups.
func (s *Supervisor) teardown() error {
	_ = os.Remove(s.Layout.ReadyFile())
	for i := len(s.procs) - 1; i >= 0; i-- {
		c := s.procs[i]
		if c.cmd.Process == nil {
			continue
		}
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-c.done:
			c.done <- err
		case <-time.After(5 * time.Second):
			_ = c.cmd.Process.Kill()
		}
	}
	err := errors.Join(killNamespace(s.state.NetNS), removeCgroupRoot())
	_ = os.Remove(s.Layout.StateFile())
	if err == nil {
		s.Log("cluster torn down")
	}
	return err
}

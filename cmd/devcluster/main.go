// Command devcluster runs a real single-node Kubernetes for development and the
// test-cluster suite (see internal/devcluster and REAL-NODE.md).
//
//	devcluster up [--foreground]   start the node (cleaning a previous run's leftovers first)
//	devcluster down                stop it and remove everything it made
//	devcluster exec -- CMD...      run CMD inside the node's namespaces with KUBECONFIG set
//	devcluster load TAR...         import image tarballs into the node's containerd
//	devcluster status              say whether the node is up
//	devcluster images              build the OCI image tarballs into bin/images
//	devcluster catalog             build the OLM images, bundle images and FBC catalog into bin/images/olm
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/devcluster"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = cmdUp(os.Args[2:])
	case "supervise":
		err = cmdSupervise()
	case "down":
		err = cmdDown()
	case "exec":
		err = cmdExec(os.Args[2:])
	case "load":
		err = devcluster.ImportImages(layout(), os.Args[2:]...)
	case "status":
		err = cmdStatus()
	case "images":
		err = cmdImages(os.Args[2:])
	case "catalog":
		err = cmdCatalog(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		var ee *exec.ExitError
		if os.Args[1] == "exec" && errors.As(err, &ee) {
			os.Exit(ee.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: devcluster up [--foreground] | down | exec -- CMD... | load TAR... | status | images | catalog")
	os.Exit(2)
}

// layout places the cluster under $DEVCLUSTER_DIR (default bin/devcluster-run) and takes the
// binaries from the versioned folders hack/install-tools.sh fills.
func layout() devcluster.Layout {
	abs := func(env, def string) string {
		p := os.Getenv(env)
		if p == "" {
			p = def
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	return devcluster.Layout{
		Dir:        abs("DEVCLUSTER_DIR", "bin/devcluster-run"),
		BinDir:     abs("DEVCLUSTER_K8S_BIN", "bin/k8s/1.34.4-linux-amd64"),
		NodeBinDir: abs("DEVCLUSTER_NODE_BIN", "bin/node/1.34.4-linux-amd64"),
		ImagesDir:  abs("DEVCLUSTER_IMAGES", "bin/images"),
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s devcluster: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// cmdUp starts the supervisor in the background (or the foreground) and waits for it to
// report the cluster ready. Ctrl-C while waiting tears the cluster down.
func cmdUp(args []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	fg := fs.Bool("foreground", false, "run in the foreground; Ctrl-C tears the cluster down")
	timeout := fs.Duration("timeout", 5*time.Minute, "how long to wait for the node to be ready")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := preflight(); err != nil {
		return err
	}
	l := layout()
	if *fg {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			for !exists(l.ReadyFile()) && ctx.Err() == nil {
				time.Sleep(200 * time.Millisecond)
			}
			if ctx.Err() == nil {
				printHowTo(l)
			}
		}()
		return (&devcluster.Supervisor{Layout: l, Log: logf}).Run(ctx)
	}
	if err := devcluster.Cleanup(l); err != nil {
		return fmt.Errorf("clean up previous run: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	logPath := l.Dir + ".log"
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(logPath), err)
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("create %s: %w", logPath, err)
	}
	defer logFile.Close()
	sup := exec.Command(self, "supervise")
	sup.Stdout, sup.Stderr = logFile, logFile
	sup.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := sup.Start(); err != nil {
		return fmt.Errorf("start supervisor: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- sup.Wait() }()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	start := time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for !exists(l.ReadyFile()) {
		select {
		case err := <-exited:
			return fmt.Errorf("the node did not come up (%v); log: %s\n%s", err, logPath, tail(logPath))
		case <-sigs:
			_ = sup.Process.Signal(syscall.SIGTERM)
			<-exited
			return errors.New("interrupted; the node was torn down")
		case <-tick.C:
			if time.Since(start) > *timeout {
				_ = sup.Process.Signal(syscall.SIGTERM)
				<-exited
				return fmt.Errorf("the node was not ready within %s; log: %s\n%s", *timeout, logPath, tail(logPath))
			}
		}
	}
	logf("node ready in %.1fs (supervisor pid %d, log %s)", time.Since(start).Seconds(), sup.Process.Pid, logPath)
	printHowTo(l)
	return nil
}

func printHowTo(l devcluster.Layout) {
	fmt.Printf(`KUBECONFIG=%s
The API server and every pod and Service address exist only inside the node's network
namespace; run clients there:
  bin/devcluster exec -- kubectl get pods -A
Stop it with: make cluster-down (bin/devcluster down)
`, l.AdminKubeconfig())
}

func cmdSupervise() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	return (&devcluster.Supervisor{Layout: layout(), Log: logf}).Run(ctx)
}

// cmdDown asks the supervisor to tear down, then cleans whatever is left (also after a
// crash of the supervisor).
func cmdDown() error {
	l := layout()
	if st, err := devcluster.ReadState(l); err == nil && st.SupervisorPID > 0 {
		if syscall.Kill(st.SupervisorPID, syscall.SIGTERM) == nil {
			for i := 0; i < 600 && syscall.Kill(st.SupervisorPID, 0) == nil; i++ {
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	if err := devcluster.Cleanup(l); err != nil {
		return err
	}
	logf("node down")
	return nil
}

// cmdExec runs a command inside the node's network and mount namespaces, in the current
// directory, with KUBECONFIG pointing at the admin kubeconfig.
func cmdExec(args []string) error {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return errors.New("exec needs a command")
	}
	l := layout()
	st, err := devcluster.ReadState(l)
	if err != nil {
		return err
	}
	if !exists(l.ReadyFile()) {
		return errors.New("the node is not ready (run make cluster-up)")
	}
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("working directory: %w", err)
	}
	cmd := exec.Command("nsenter", append([]string{"-t", fmt.Sprint(st.HolderPID), "-n", "-m", "--wd=" + wd, "--"}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+l.AdminKubeconfig(), "PATH="+l.BinDir+":"+os.Getenv("PATH"))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(os.Interrupt) // the child gets Ctrl-C itself
	return cmd.Run()
}

func cmdStatus() error {
	l := layout()
	if !exists(l.ReadyFile()) {
		return errors.New("the node is not up")
	}
	fmt.Printf("up (KUBECONFIG=%s)\n", l.AdminKubeconfig())
	comp, pods, err := devcluster.Memory(l)
	if err != nil {
		return err
	}
	fmt.Printf("memory: components %d MiB (RSS), pods %d MiB (cgroup)\n", comp>>20, pods>>20)
	return nil
}

// preflight fails loudly when this machine cannot run a node.
func preflight() error {
	if os.Geteuid() != 0 {
		return errors.New("the dev cluster needs root (network and mount namespaces, cgroups)")
	}
	l := layout()
	var missing []string
	for _, p := range []string{filepath.Join(l.BinDir, "kube-apiserver"), filepath.Join(l.BinDir, "etcd"),
		filepath.Join(l.BinDir, "kubectl"), filepath.Join(l.NodeBinDir, "kubelet"), filepath.Join(l.NodeBinDir, "kube-proxy"),
		filepath.Join(l.NodeBinDir, "kube-controller-manager"), filepath.Join(l.NodeBinDir, "kube-scheduler"),
		filepath.Join(l.NodeBinDir, "coredns"), "/usr/lib/cni/bridge", "/usr/lib/cni/host-local", "/usr/lib/cni/loopback"} {
		if !exists(p) {
			missing = append(missing, p)
		}
	}
	for _, c := range []string{"containerd", "containerd-shim-runc-v2", "runc", "ctr", "iptables", "conntrack", "nsenter", "unshare", "ip"} {
		if _, err := exec.LookPath(c); err != nil {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %v (run hack/install-tools.sh node)", missing)
	}
	if _, err := os.Stat("/sys/fs/cgroup/memory/cgroup.procs"); err != nil {
		return fmt.Errorf("no cgroup v1 memory hierarchy at /sys/fs/cgroup/memory: %w", err)
	}
	return nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func tail(p string) string {
	data, _ := os.ReadFile(p)
	if len(data) > 3000 {
		data = data[len(data)-3000:]
	}
	return string(data)
}

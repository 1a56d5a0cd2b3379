//go:build cluster

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcp-operator/mcp-operator/internal/devcluster"
)

// hostState is what the node must never change on the host, or must remove on teardown.
type hostState struct {
	sysctls  map[string]string
	iptables string
	links    string
	mounts   []string
	cgroups  []string
}

// snapshotHost reads the host's side: VM-wide sysctls (the kubelet's and kube-proxy's
// favourites), the host namespace's iptables and links, the mount table, and the node's
// cgroup root in every hierarchy.
func snapshotHost(t *testing.T) hostState {
	t.Helper()
	s := hostState{sysctls: map[string]string{}}
	for _, p := range []string{"/proc/sys/kernel/panic", "/proc/sys/kernel/panic_on_oops", "/proc/sys/vm/overcommit_memory",
		"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/netfilter/nf_conntrack_max", "/proc/sys/net/bridge/bridge-nf-call-iptables"} {
		if v, err := os.ReadFile(p); err == nil {
			s.sysctls[p] = strings.TrimSpace(string(v))
		}
	}
	out, err := exec.Command("iptables-save").Output()
	if err != nil {
		t.Fatalf("iptables-save: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(line, "#") { // the comments carry a timestamp
			s.iptables += line + "\n"
		}
	}
	links, err := exec.Command("ip", "-o", "link", "show").Output()
	if err != nil {
		t.Fatalf("ip link: %v", err)
	}
	s.links = string(links)
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if fields := strings.Fields(sc.Text()); len(fields) > 4 {
			s.mounts = append(s.mounts, fields[4])
		}
	}
	slices.Sort(s.mounts)
	s.cgroups, _ = filepath.Glob("/sys/fs/cgroup/*/mcp-devcluster")
	return s
}

// TestForegroundInterrupt: `devcluster up --foreground`, then Ctrl-C (SIGINT) tears down
// everything the node made, and the host is as before. Run by make test-cluster after the
// scenarios, when no other node is up (one node per machine: the cgroup root is fixed).
func TestForegroundInterrupt(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(repo, "bin", "devcluster")
	l := layout()
	l.Dir = filepath.Join(repo, "bin", "devcluster-run")
	if _, err := os.Stat(l.ReadyFile()); err == nil {
		t.Fatalf("a node is up already (%s); make cluster-down first", l.ReadyFile())
	}
	before := snapshotHost(t)
	if len(before.cgroups) > 0 {
		t.Fatalf("the node's cgroup root exists before the test: %v", before.cgroups)
	}

	start := time.Now()
	up := exec.Command(bin, "up", "--foreground")
	up.Dir = repo
	stdout, err := up.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	up.Stderr = os.Stderr
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "KUBECONFIG=") {
				close(ready)
			}
		}
		exited <- up.Wait()
	}()
	select {
	case <-ready:
	case err := <-exited:
		t.Fatalf("devcluster up --foreground exited before the node was ready: %v", err)
	case <-time.After(5 * time.Minute):
		_ = up.Process.Kill()
		t.Fatal("the node was not ready within 5 minutes")
	}
	t.Logf("node ready in the foreground in %.1fs", time.Since(start).Seconds())

	// While it runs: a node that answers, processes in its namespace, its cgroup root.
	kc := exec.Command(bin, "exec", "--", filepath.Join(repo, "bin", "k8s", "1.34.4-linux-amd64", "kubectl"), "get", "nodes", "--no-headers")
	kc.Dir = repo
	out, err := kc.CombinedOutput()
	if err != nil || !strings.Contains(string(out), " Ready") {
		t.Errorf("kubectl get nodes inside the node: %v: %s", err, out)
	}
	st, err := devcluster.ReadState(l)
	if err != nil {
		t.Fatal(err)
	}
	inside := processesInNetNS(st.NetNS)
	if len(inside) < 5 {
		t.Errorf("only %d processes in the node's namespace while it runs", len(inside))
	}
	if cg, _ := filepath.Glob("/sys/fs/cgroup/*/mcp-devcluster"); len(cg) == 0 {
		t.Error("no cgroup root while the node runs")
	}

	stop := time.Now()
	if err := up.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("devcluster up --foreground after Ctrl-C: %v", err)
		}
	case <-time.After(2 * time.Minute):
		_ = up.Process.Kill()
		t.Fatal("devcluster did not exit within 2 minutes of Ctrl-C")
	}
	t.Logf("torn down %.1fs after Ctrl-C", time.Since(stop).Seconds())

	if left := processesInNetNS(st.NetNS); len(left) > 0 {
		t.Errorf("processes left in the node's namespace: %v", left)
	}
	if syscall.Kill(st.HolderPID, 0) == nil {
		t.Errorf("the namespace holder (pid %d) is still alive", st.HolderPID)
	}
	for _, f := range []string{l.ReadyFile(), l.StateFile()} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
	after := snapshotHost(t)
	if fmt.Sprint(after.sysctls) != fmt.Sprint(before.sysctls) {
		t.Errorf("host sysctls changed:\nbefore %v\nafter  %v", before.sysctls, after.sysctls)
	}
	if after.iptables != before.iptables {
		t.Errorf("host iptables changed:\nbefore\n%s\nafter\n%s", before.iptables, after.iptables)
	}
	if after.links != before.links {
		t.Errorf("host links changed:\nbefore\n%s\nafter\n%s", before.links, after.links)
	}
	if !slices.Equal(after.mounts, before.mounts) {
		t.Errorf("host mount table changed:\nbefore %v\nafter  %v", before.mounts, after.mounts)
	}
	if len(after.cgroups) > 0 {
		t.Errorf("cgroup root left behind: %v", after.cgroups)
	}
}

// processesInNetNS lists the processes whose network namespace is ns ("net:[inode]").
func processesInNetNS(ns string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		if link, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid)); err == nil && link == ns {
			pids = append(pids, pid)
		}
	}
	return pids
}

package devcluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// State is what a running cluster records so that exec, down and the next up find it.
type State struct {
	// HolderPID is the process that keeps the network and mount namespaces alive.
	HolderPID int `json:"holderPID"`
	// NetNS is the namespace's identity ("net:[inode]"); every process in it is ours.
	NetNS string `json:"netns"`
	// SupervisorPID is the devcluster process that started the components.
	SupervisorPID int `json:"supervisorPID"`
}

// ReadState reads the state file of a cluster; it fails when none was started.
func ReadState(l Layout) (State, error) {
	var s State
	data, err := os.ReadFile(l.StateFile())
	if err != nil {
		return s, fmt.Errorf("read cluster state (is the cluster up?): %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("parse %s: %w", l.StateFile(), err)
	}
	return s, nil
}

func writeState(l Layout, s State) error {
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return os.WriteFile(l.StateFile(), data, 0o644)
}

func netnsOf(pid int) (string, error) {
	return os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
}

// startHolder starts the process whose network and mount namespaces the whole cluster
// shares. The mount namespace is a slave of the host's, so the mounts made in it (tmpfs
// over /run, /var/lib and /var/log, sysctl overrides) never reach the host. `ip netns exec`
// is not used: it remounts /sys and loses the cgroup v1 hierarchies.
func startHolder(logFile *os.File) (State, error) {
	cmd := exec.Command("unshare", "--net", "--mount", "--propagation", "slave", "--", "sleep", "infinity")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return State{}, fmt.Errorf("start namespace holder: %w", err)
	}
	host, err := netnsOf(os.Getpid())
	if err != nil {
		return State{}, fmt.Errorf("read own netns: %w", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ns, err := netnsOf(cmd.Process.Pid)
		if err == nil && ns != host {
			pid := cmd.Process.Pid
			go func() { _ = cmd.Wait() }() // reap it when it is killed at teardown
			return State{HolderPID: pid, NetNS: ns}, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	return State{}, errors.New("namespace holder did not enter a new network namespace")
}

// Command returns a command that runs inside the cluster's network and mount namespaces.
// nsenter drops the working directory, so every path given must be absolute.
func (s State) Command(name string, args ...string) *exec.Cmd {
	full := append([]string{"-t", strconv.Itoa(s.HolderPID), "-n", "-m", "--", name}, args...)
	return exec.Command("nsenter", full...)
}

// run runs a command inside the namespaces and returns its combined output.
func (s State) run(name string, args ...string) (string, error) {
	out, err := s.Command(name, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// prepareNamespace makes the mounts and the network of the namespace: the node IP on a veth
// pair whose two ends both stay inside (the kernel has no dummy device), a default route on
// it for ClusterIP routing, forwarding enabled in this namespace only.
func prepareNamespace(s State, l Layout) error {
	script := []string{
		// Host paths containerd and the kubelet use whatever their flags say.
		"mount -t tmpfs -o mode=755 devcluster-run /run",
		"mount -t tmpfs -o mode=755 devcluster-varlib /var/lib",
		"mount -t tmpfs -o mode=755 devcluster-varlog /var/log",
		"mkdir -p /var/lib/kubelet /var/log/containers /var/log/pods /run/netns",
	}
	keys := make([]string, 0, len(kernelOverrides))
	for p := range kernelOverrides {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	script = append(script, "mount --bind "+l.path("etc-resolv.conf")+" /etc/resolv.conf")
	for _, p := range keys {
		script = append(script, fmt.Sprintf("mount --bind %s %s", l.path("sysctl", filepath.Base(p)), p))
	}
	script = append(script,
		"ip link set lo up",
		"ip link add veth0 type veth peer name veth1",
		"ip addr add "+nodeCIDR+" dev veth0",
		"ip link set veth0 up",
		"ip link set veth1 up",
		"ip route add default dev veth0",
		"echo 1 > /proc/sys/net/ipv4/ip_forward",
		"if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables; fi",
	)
	if _, err := s.run("/bin/sh", "-ec", strings.Join(script, "\n")); err != nil {
		return fmt.Errorf("prepare namespace: %w", err)
	}
	return nil
}

// processesIn lists every process whose network namespace is ns.
func processesIn(ns string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if got, err := netnsOf(pid); err == nil && got == ns {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killNamespace kills every process left in the namespace (components, containerd shims,
// containers, the holder) and waits until none is left, which also frees the namespaces.
func killNamespace(ns string) error {
	if ns == "" {
		return nil
	}
	host, err := netnsOf(os.Getpid())
	if err == nil && host == ns {
		return errors.New("refusing to clean up the host's own network namespace")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		pids := processesIn(ns)
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes still in %s after kill: %v", ns, pids)
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cgroupHierarchies lists the cgroup v1 hierarchies (cpu, memory, pids, ...).
func cgroupHierarchies() []string {
	entries, _ := os.ReadDir("/sys/fs/cgroup")
	var out []string
	for _, e := range entries {
		p := filepath.Join("/sys/fs/cgroup", e.Name())
		if _, err := os.Stat(filepath.Join(p, "cgroup.procs")); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// createCgroupRoot creates the kubelet's cgroup root in every hierarchy; cpuset needs its
// cpus and mems copied from the parent before any task can join.
func createCgroupRoot() error {
	for _, h := range cgroupHierarchies() {
		dir := filepath.Join(h, cgroupRoot)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create cgroup %s: %w", dir, err)
		}
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			v, err := os.ReadFile(filepath.Join(h, f))
			if err != nil {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, f), v, 0o644); err != nil {
				return fmt.Errorf("write %s/%s: %w", dir, f, err)
			}
		}
	}
	return nil
}

// cgroupTasks lists the processes in the cgroup root and below, in any hierarchy. Pod
// processes live in network namespaces of their own, so only their cgroup finds them.
func cgroupTasks() []int {
	seen := map[int]bool{}
	for _, h := range cgroupHierarchies() {
		_ = filepath.WalkDir(filepath.Join(h, cgroupRoot), func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			// a frozen task cannot die; thaw first
			_ = os.WriteFile(filepath.Join(p, "freezer.state"), []byte("THAWED"), 0o644)
			data, _ := os.ReadFile(filepath.Join(p, "cgroup.procs"))
			for _, f := range strings.Fields(string(data)) {
				if pid, err := strconv.Atoi(f); err == nil {
					seen[pid] = true
				}
			}
			return nil
		})
	}
	pids := make([]int, 0, len(seen))
	for pid := range seen {
		pids = append(pids, pid)
	}
	return pids
}

// killCgroupTasks kills every process under the cgroup root and waits until none is left.
func killCgroupTasks() error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		pids := cgroupTasks()
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes still in cgroup %s after kill: %v", cgroupRoot, pids)
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// removeCgroupRoot removes the cgroup root and everything under it, deepest first (a cgroup
// directory can only be removed once it has no children and no tasks).
func removeCgroupRoot() error {
	if err := killCgroupTasks(); err != nil {
		return err
	}
	var errs []error
	for _, h := range cgroupHierarchies() {
		root := filepath.Join(h, cgroupRoot)
		if _, err := os.Stat(root); err != nil {
			continue
		}
		var dirs []string
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			var err error
			for try := 0; try < 20; try++ {
				if err = syscall.Rmdir(dirs[i]); err == nil || errors.Is(err, syscall.ENOENT) {
					err = nil
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("remove cgroup %s: %w", dirs[i], err))
			}
		}
	}
	return errors.Join(errs...)
}

// Cleanup removes everything a previous run may have left: its processes (found by their
// network namespace, so a crashed supervisor leaves nothing behind), its cgroups and its
// ready marker. It is safe to call when nothing runs.
func Cleanup(l Layout) error {
	s, err := ReadState(l)
	var errs []error
	if err == nil {
		if s.SupervisorPID > 0 && s.SupervisorPID != os.Getpid() && isDevcluster(s.SupervisorPID) {
			_ = syscall.Kill(s.SupervisorPID, syscall.SIGKILL)
		}
		errs = append(errs, killNamespace(s.NetNS))
	}
	errs = append(errs, removeCgroupRoot())
	_ = os.Remove(l.ReadyFile())
	_ = os.Remove(l.StateFile())
	return errors.Join(errs...)
}

func isDevcluster(pid int) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return err == nil && strings.Contains(string(cmdline), "devcluster")
}

// Memory reports the resident memory of the node: its components (every process in the
// namespace: apiserver, etcd, kubelet, containerd and shims, ...) and its pods (the memory
// cgroup under the kubelet's cgroup root, page cache included).
func Memory(l Layout) (components, pods uint64, err error) {
	s, err := ReadState(l)
	if err != nil {
		return 0, 0, err
	}
	for _, pid := range processesIn(s.NetNS) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(data))
		if len(f) > 1 {
			if n, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				components += n * uint64(os.Getpagesize())
			}
		}
	}
	data, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/memory", cgroupRoot, "kubepods", "memory.usage_in_bytes"))
	if err == nil {
		pods, _ = strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	}
	return components, pods, nil
}

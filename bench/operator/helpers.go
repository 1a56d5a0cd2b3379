package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/mcp-operator/mcp-operator/api/group"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
)

var schemaGK = schema.GroupKind{Group: group.Name, Kind: "MCPServer"}

func zapLevel(l int8) zapcore.Level { return zapcore.Level(l) }

// baselineValues are chart values equivalent to what the operator computes for server i.
func baselineValues(i int) helmcharts.MCPServerValues {
	name := fmt.Sprintf("s%04d", i)
	return helmcharts.MCPServerValues{
		ProxyImage: "proxyrunner:bench", Image: "ghcr.io/example/mcp:1", Transport: "stdio",
		ProxyPort: 8080, MCPPort: 8080, ProxyReplicas: 1, BackendReplicas: 1,
		ServiceAccount: name + "-sa", CreateServiceAccount: true, SessionAffinity: "ClientIP",
		RunConfig: "name: " + name + "\n", ProxyConfigHash: "x", BackendConfigHash: "y",
	}
}

// scrape is the part of the manager's metrics the benchmark reads.
type scrape struct{ reads, writes, reconciles, reconcileErrors float64 }

// lineCounter counts the lines written to it.
type lineCounter struct{ lines atomic.Int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines.Add(int64(bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

// scrapeMetrics sums rest_client_requests_total (GET = reads, other methods = writes) and
// controller_runtime_reconcile_total from a Prometheus text endpoint.
func scrapeMetrics(url string) (scrape, error) {
	resp, err := http.Get(url)
	if err != nil {
		return scrape{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return scrape{}, err
	}
	var s scrape
	for _, line := range strings.Split(string(body), "\n") {
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, "rest_client_requests_total{") && strings.Contains(line, `method="GET"`):
			s.reads += v
		case strings.HasPrefix(line, "rest_client_requests_total{"):
			s.writes += v
		case strings.HasPrefix(line, "controller_runtime_reconcile_total{"):
			s.reconciles += v
		case strings.HasPrefix(line, "controller_runtime_reconcile_errors_total{"):
			s.reconcileErrors += v
		}
	}
	return s, nil
}

// procPeakRSS returns VmHWM of a process in KiB.
func procPeakRSS(pid int) int64 { return procStatusKiB(pid, "VmHWM:") }

// procRSS returns VmRSS (the resident set now) of a process in KiB.
func procRSS(pid int) int64 { return procStatusKiB(pid, "VmRSS:") }

func procStatusKiB(pid int, field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field) {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, field)), "%d", &kb)
			return kb
		}
	}
	return 0
}

// procCPU returns the user+system CPU time a process has used (utime and stime of
// /proc/<pid>/stat, in clock ticks of 1/100 s on Linux).
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; the fields after its ')' are fixed.
	rest := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(rest) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(rest[11], 10, 64)
	stime, _ := strconv.ParseInt(rest[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// controlPlaneCPU is the CPU time used so far by this process's kube-apiserver and etcd
// (envtest starts them as children). Next to the manager's, it says where a run's time
// went on a machine whose load makes wall-clock ratios noisy.
func controlPlaneCPU() cpCPU {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return cpCPU{}
	}
	var total cpCPU
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		open, end := strings.IndexByte(string(data), '('), strings.LastIndexByte(string(data), ')')
		if open < 0 || end < open {
			continue
		}
		comm, rest := string(data[open+1:end]), strings.Fields(string(data[end+1:]))
		if len(rest) > 1 && rest[1] == self {
			switch comm {
			case "kube-apiserver":
				total.apiserver += procCPU(pid)
			case "etcd":
				total.etcd += procCPU(pid)
			}
		}
	}
	return total
}

// cpCPU is the CPU time of the control plane's two processes, apart: etcd's share says
// whether a difference is in storage writes or in the API server's request handling.
type cpCPU struct{ apiserver, etcd time.Duration }

func (c cpCPU) sub(o cpCPU) cpCPU { return cpCPU{c.apiserver - o.apiserver, c.etcd - o.etcd} }

func (c cpCPU) String() string {
	return fmt.Sprintf("%.1f CPU-s (apiserver %.1f, etcd %.1f)", (c.apiserver + c.etcd).Seconds(), c.apiserver.Seconds(), c.etcd.Seconds())
}

// loadAverage is the first three fields of /proc/loadavg: the machine may be shared, and
// the ratios are only comparable at similar load.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// fetchTo writes the body of a GET of url to path.
func fetchTo(url, path string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// fetchAPIServer writes the body of a GET of the kube-apiserver's path to file (its
// /metrics and /debug/pprof are open to system:masters); timeout bounds the request.
func fetchAPIServer(cfg *rest.Config, path, file string, timeout time.Duration) error {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return err
	}
	hc.Timeout = timeout
	resp, err := hc.Get(strings.TrimSuffix(cfg.Host, "/") + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}

// fetchAPIServerProfile writes the kube-apiserver's CPU profile over the next seconds to
// path.
func fetchAPIServerProfile(cfg *rest.Config, seconds int, path string) error {
	return fetchAPIServer(cfg, fmt.Sprintf("/debug/pprof/profile?seconds=%d", seconds), path, time.Duration(seconds+60)*time.Second)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

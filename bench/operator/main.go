// Command operator benchmarks the MCPServer controller: it starts a local control plane
// (envtest: kube-apiserver + etcd), runs the manager (cmd/manager, built and started as a
// process), creates N MCPServers at once and times until every child exists, as seen by
// metadata-only watches. The baseline, measured in the same run on a fresh control plane
// of its own, is a plain client creating the same objects directly (the API server's own
// cost), so the ratio shows what the operator adds. By default "the same objects" are what
// exists at the end of the operator phase: the N MCPServers, created as the bench's user
// creates them in the operator phase, and their 9N children as the operator writes them
// (owner reference, owner-UID label, applied-hash annotation); the operator's status
// patches and its manager's CPU are what it adds. -baseline-operator-writes=children is the
// baseline of earlier sessions: the children alone, without the MCPServers the operator
// phase also creates. It prints objects/s, the
// manager's API requests per reconcile and per MCPServer (its rest_client metrics), the
// CPU of the manager and of kube-apiserver + etcd per phase, and the manager's RSS.
//
// -baseline-operator-writes makes the baseline's plain client do what the operator writes
// (the user's MCPServer creates, the children with the operator's owner reference, label
// and annotation, one status patch each) without a manager, so the control plane's cost
// of those writes can be told apart from the manager's way of making them: at n=1,000
// (-baseline-watch, so both phases pay for the observer) the control plane spent as much
// CPU on the plain client's copy of the writes as with the operator (45.9 vs 47.0 and
// 55.3 vs 50.7 CPU-s, two runs), and of its extra over the plain baseline the status
// patches are the largest part.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	mcpoperator "github.com/mcp-operator/mcp-operator"
	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/controllers"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// childrenPerServer is what the chart renders for a stdio MCPServer: Deployment,
// StatefulSet, 2 Services, 2 ServiceAccounts, ConfigMap, Role, RoleBinding.
const childrenPerServer = 9

func main() {
	n := flag.Int("n", 1000, "MCPServers to create")
	workers := flag.Int("workers", 8, "MaxConcurrentReconciles of the manager")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after this long")
	idle = flag.Duration("idle", 30*time.Second, "how long to watch the manager idle after the children exist")
	verbose = flag.Bool("v", false, "show the manager's log")
	skipBaseline = flag.Bool("skip-baseline", false, "measure the operator only (for a large -n, where time and memory are reported without a ratio)")
	heapProfile = flag.String("heap-profile", "", "write the manager's heap profile (pprof), taken once every child exists, to this file")
	cpuProfile = flag.String("cpu-profile", "", "write the manager's CPU profile (pprof) of the first -cpu-profile-seconds after the MCPServers are created to this file")
	apiserverProfile = flag.String("apiserver-cpu-profile", "", "write the kube-apiserver's CPU profile (pprof) of the first -cpu-profile-seconds of the operator phase to this file, and of the baseline phase to this file + .baseline")
	cpuProfileSeconds = flag.Int("cpu-profile-seconds", 30, "length of the -cpu-profile window")
	dumpChildren = flag.String("dump-children", "", "write s0000's children as the API server holds them after each phase to this file (+ .baseline), as JSON, to compare what the two phases stored")
	baselineOperatorWrites = flag.String("baseline-operator-writes", "create,decorate", "what the baseline's plain client writes, per server, without a manager: children (the 9 rendered children only, as applied by a plain client: the baseline of earlier sessions), or a comma-separated list of create (the MCPServer, as the user does in the operator phase), decorate (the 9 children with the operator's owner reference, owner-UID label and applied-hash annotation), status (the status patch the operator writes); all = the three. The default is the objects that exist at the end of the operator phase: the MCPServers and their children as the operator writes them")
	baselineWatch = flag.Bool("baseline-watch", false, "the baseline also runs the operator phase's observer (metadata watches of every child kind) and ends when it has seen every child")
	apiserverMetrics = flag.String("apiserver-metrics", "", "write the kube-apiserver's /metrics at the end of the operator phase to this file, and of the baseline phase to this file + .baseline (requests by verb and resource, watch events, admission)")
	flag.Parse()
	if err := run(*n, *workers, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "bench/operator:", err)
		os.Exit(1)
	}
}

func run(n, workers int, timeout time.Duration) error {
	ctrl.SetLogger(zap.New(zap.Level(zapErrorLevel)))
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		os.Setenv("KUBEBUILDER_ASSETS", filepath.Join(repoRoot(), "bin", "k8s", "1.34.4-linux-amd64"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	renderer, err := newRenderer()
	if err != nil {
		return err
	}
	// Each phase gets a fresh control plane: run on the first one's, the second phase
	// would pay for the other's 9n objects (a larger etcd, watch cache and API server
	// heap to collect), which cost it ~25% more API server CPU at n=1,000.
	var base time.Duration
	var baseCP cpCPU
	if !*skipBaseline {
		err := withControlPlane(ctx, "baseline", func(_ *envtest.Environment, cfg *rest.Config, c client.Client) error {
			var profiled chan error
			if *apiserverProfile != "" {
				profiled = make(chan error, 1)
				go func() { profiled <- fetchAPIServerProfile(cfg, *cpuProfileSeconds, *apiserverProfile+".baseline") }()
			}
			cp0 := controlPlaneCPU()
			var err error
			base, err = baseline(ctx, cfg, c, renderer, n, workers)
			baseCP = controlPlaneCPU().sub(cp0)
			if *apiserverMetrics != "" {
				err = errors.Join(err, fetchAPIServer(cfg, "/metrics", *apiserverMetrics+".baseline", time.Minute))
			}
			if *dumpChildren != "" {
				err = errors.Join(err, dumpServerChildren(ctx, c, "baseline", *dumpChildren+".baseline"))
			}
			if profiled != nil {
				err = errors.Join(err, <-profiled)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
	}
	var op operatorResult
	err = withControlPlane(ctx, "bench", func(env *envtest.Environment, cfg *rest.Config, c client.Client) error {
		var err error
		op, err = operatorRun(ctx, env, cfg, c, n, workers)
		return err
	})
	if err != nil {
		return err
	}
	objects := float64(n * childrenPerServer)
	fmt.Printf("MCPServers: %d (%d children each), workers: %d, GOMAXPROCS: %d\n", n, childrenPerServer, workers, runtime.GOMAXPROCS(0))
	if *skipBaseline {
		fmt.Printf("baseline: skipped\n")
		fmt.Printf("operator (create MCPServers -> all children exist): %6.1fs  %7.0f objects/s\n", op.elapsed.Seconds(), objects/op.elapsed.Seconds())
	} else {
		fmt.Printf("baseline (plain client creating the same objects; -baseline-operator-writes=%s): %6.1fs  %7.0f objects/s\n", *baselineOperatorWrites, base.Seconds(), objects/base.Seconds())
		fmt.Printf("operator (create MCPServers -> all children exist): %6.1fs  %7.0f objects/s  (%.2fx baseline time)\n",
			op.elapsed.Seconds(), objects/op.elapsed.Seconds(), op.elapsed.Seconds()/base.Seconds())
	}
	fmt.Printf("  manager error log lines: %d, failed reconciles: %d\n", op.errorLines, op.reconcileErrors)
	fmt.Printf("  manager CPU until then: %.1f CPU-s (%.1f ms per MCPServer); load average %s\n", op.busyCPU.Seconds(), op.busyCPU.Seconds()*1000/float64(n), loadAverage())
	fmt.Printf("  kube-apiserver + etcd CPU: %s with the operator, %s for the baseline\n", op.controlPlaneCPU, baseCP)
	fmt.Printf("  reference: original operator v0.47.0 ~74s for 1,000 MCPServers (one worker), target <= 60s\n")
	fmt.Printf("API requests: %d (%d reads, %d writes) over %d reconciles: %.2f per reconcile, %.2f per MCPServer (reference ~16)\n",
		op.reads+op.writes, op.reads, op.writes, op.reconciles, float64(op.reads+op.writes)/float64(op.reconciles), float64(op.reads+op.writes)/float64(n))
	fmt.Printf("manager peak RSS: %.0f MiB while creating (target <= 100 MiB at 1,000 MCPServers; reference 114 MiB); %.0f MiB before the first MCPServer (%.0f MiB of it file-backed: the binary's pages)\n",
		float64(op.peakRSSKiB)/1024, float64(op.startRSSKiB)/1024, float64(op.startFileKiB)/1024)
	fmt.Printf("manager after %s idle: RSS %.0f MiB (peak %.0f MiB; target: no growth), %.2f CPU-s (target <= 0.1), %d API requests (target <= 10), %d reconciles\n",
		*idle, float64(op.idleRSSKiB)/1024, float64(op.idlePeakKiB)/1024, op.idleCPU.Seconds(), op.idleRequests, op.idleReconciles)
	return nil
}

var (
	zapErrorLevel = zapLevel(2)
	verbose       *bool
	heapProfile   *string
	cpuProfile    *string
	// apiserverProfile is -apiserver-cpu-profile; apiserverMetrics -apiserver-metrics.
	apiserverMetrics *string
	baselineWatch    *bool
	// baselineOperatorWrites is -baseline-operator-writes.
	baselineOperatorWrites *string
	dumpChildren           *string
	apiserverProfile       *string
	// cpuProfileSeconds is the length of the -cpu-profile window.
	cpuProfileSeconds *int
	skipBaseline      *bool
	idle              *time.Duration
)

// withControlPlane starts a local control plane with the CRDs and namespace ns, runs f
// against it with an unthrottled client, and stops it.
func withControlPlane(ctx context.Context, ns string, f func(*envtest.Environment, *rest.Config, client.Client) error) error {
	env := &envtest.Environment{CRDDirectoryPaths: []string{filepath.Join(repoRoot(), "config", "crd", "bases")}, ErrorIfCRDPathMissing: true}
	env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "10.0.0.0/16")
	cfg, err := env.Start()
	if err != nil {
		return fmt.Errorf("start control plane (make tools; make manifests): %w", err)
	}
	defer func() { _ = env.Stop() }()
	cfg.QPS, cfg.Burst = -1, 0
	c, err := client.New(cfg, client.Options{Scheme: controllers.NewScheme()})
	if err != nil {
		return err
	}
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		return err
	}
	return f(env, cfg, c)
}

func repoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return dir
}

func newRenderer() (*render.Renderer, error) {
	ws, err := render.ParseWatches(mcpoperator.Watches)
	if err != nil {
		return nil, err
	}
	return render.NewRenderer(render.Options{Watches: ws, Charts: helmcharts.FS})
}

func server(ns string, i int) *v1alpha1.MCPServer {
	return &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("s%04d", i), Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/mcp:1", Transport: v1alpha1.TransportStdio}}
}

// baseline creates the rendered children of n servers directly, with the same parallelism.
func baseline(ctx context.Context, cfg *rest.Config, c client.Client, r *render.Renderer, n, workers int) (time.Duration, error) {
	var objs []*unstructured.Unstructured
	for i := 0; i < n; i++ {
		rendered, err := r.Render(schemaGK, render.Release{Name: fmt.Sprintf("s%04d", i), Namespace: "baseline"}, baselineValues(i))
		if err != nil {
			return 0, err
		}
		objs = append(objs, rendered...)
	}
	var children *childWatch
	if *baselineWatch {
		var err error
		if children, err = watchChildren(ctx, cfg, "baseline"); err != nil {
			return 0, err
		}
		defer children.stop()
	}
	start := time.Now()
	var err error
	if w := *baselineOperatorWrites; w != "children" {
		if w == "all" {
			w = "create,decorate,status"
		}
		var parts opWrites
		for _, p := range strings.Split(w, ",") {
			switch p {
			case "create":
				parts.create = true
			case "decorate":
				parts.decorate = true
			case "status":
				parts.status = true
			default:
				return 0, fmt.Errorf("-baseline-operator-writes: unknown part %q", p)
			}
		}
		err = parallel(ctx, n, workers, func(i int) error {
			return operatorWrites(ctx, c, i, objs[i*childrenPerServer:(i+1)*childrenPerServer], parts)
		})
	} else {
		err = parallel(ctx, len(objs), workers, func(i int) error {
			o := objs[i]
			o.SetNamespace("baseline")
			return c.Apply(ctx, client.ApplyConfigurationFromUnstructured(o), client.FieldOwner("baseline"), client.ForceOwnership)
		})
	}
	if err == nil && children != nil {
		err = children.wait(ctx, n)
	}
	return time.Since(start), err
}

// opWrites selects the parts of the operator's writes -baseline-operator-writes makes.
type opWrites struct{ create, decorate, status bool }

// operatorWrites makes, for server i in namespace baseline, the writes the operator makes
// for one MCPServer (see -baseline-operator-writes): the create the user makes, the 9
// children applied with the operator's decorations, and one status patch. Without create
// the owner is a made-up UID (nothing collects garbage in this control plane); without
// decorate the children are applied as the plain baseline does.
func operatorWrites(ctx context.Context, c client.Client, i int, children []*unstructured.Unstructured, parts opWrites) error {
	s := server("baseline", i)
	if parts.create {
		if err := c.Create(ctx, s); err != nil {
			return err
		}
	} else {
		s.UID = types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i))
	}
	for _, o := range children {
		o.SetNamespace("baseline")
		if !parts.decorate {
			if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(o), client.FieldOwner("baseline"), client.ForceOwnership); err != nil {
				return err
			}
			continue
		}
		labels := o.GetLabels()
		labels[render.LabelOwnerUID] = string(s.UID)
		o.SetLabels(labels)
		o.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: v1alpha1.GroupVersion.String(), Kind: "MCPServer", Name: s.Name, UID: s.UID,
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}})
		o.SetAnnotations(map[string]string{render.AnnotationAppliedHash: render.Hash(o.Object)[:16]})
		body, err := o.MarshalJSON()
		if err != nil {
			return err
		}
		if err := c.Patch(ctx, o, client.RawPatch(types.ApplyPatchType, body), client.FieldOwner(render.FieldManager), client.ForceOwnership); err != nil {
			return err
		}
	}
	if !parts.status || !parts.create {
		return nil
	}
	orig := s.DeepCopy()
	now := metav1.Now()
	msg := fmt.Sprintf("proxy Deployment %s has no ready replica", s.Name)
	s.Status.Phase, s.Status.Message, s.Status.ObservedGeneration = "Pending", msg, 1
	s.Status.URL = fmt.Sprintf("http://mcp-%s-proxy.baseline.svc.cluster.local:8080", s.Name)
	s.Status.Conditions = []metav1.Condition{
		{Type: "PodTemplateValid", Status: metav1.ConditionTrue, Reason: "Valid", Message: "pod template is valid", ObservedGeneration: 1, LastTransitionTime: now},
		{Type: "Ready", Status: metav1.ConditionFalse, Reason: "NotReady", Message: msg, ObservedGeneration: 1, LastTransitionTime: now},
	}
	return c.Status().Patch(ctx, s, client.MergeFrom(orig))
}

// operatorResult is what the operator run measured.
type operatorResult struct {
	elapsed                   time.Duration
	reads, writes, reconciles int64
	peakRSSKiB                int64
	// startRSSKiB is the manager's RSS once its informers synced, before any MCPServer.
	startRSSKiB int64
	// startFileKiB is the file-backed part of startRSSKiB (RssFile: the binary's pages).
	startFileKiB int64
	// errorLines counts the manager's log lines at error level (LOG_LEVEL=error);
	// reconcileErrors its controller_runtime_reconcile_errors_total.
	errorLines, reconcileErrors int64
	// busyCPU is the manager's CPU time until every child existed; controlPlaneCPU the
	// kube-apiserver's and etcd's over the same time.
	busyCPU         time.Duration
	controlPlaneCPU cpCPU
	// idle* are measured over the idle window after every child exists.
	idleCPU                      time.Duration
	idleRequests, idleReconciles int64
	idleRSSKiB, idlePeakKiB      int64
}

// operatorRun builds cmd/manager, runs it against the control plane (WATCH_NAMESPACE=bench),
// creates n MCPServers and waits for their children. Requests and reconciles come from the
// manager's own Prometheus metrics (rest_client_requests_total, controller_runtime_reconcile_total);
// peak RSS from /proc/<pid>/status.
func operatorRun(ctx context.Context, env *envtest.Environment, cfg *rest.Config, c client.Client, n, workers int) (operatorResult, error) {
	dir, err := os.MkdirTemp("", "bench-operator")
	if err != nil {
		return operatorResult{}, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "manager")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/manager")
	build.Dir, build.Stderr = repoRoot(), os.Stderr
	if err := build.Run(); err != nil {
		return operatorResult{}, fmt.Errorf("build manager: %w", err)
	}
	user, err := env.AddUser(envtest.User{Name: "bench-manager", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return operatorResult{}, err
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return operatorResult{}, err
	}
	kcPath := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kcPath, kc, 0o600); err != nil {
		return operatorResult{}, err
	}
	port, err := freePort()
	if err != nil {
		return operatorResult{}, err
	}
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", port)
	pprofPort, err := freePort()
	if err != nil {
		return operatorResult{}, err
	}
	cmd := exec.Command(bin, fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", port), "--health-probe-bind-address=0",
		fmt.Sprintf("--max-concurrent-reconciles=%d", workers), fmt.Sprintf("--pprof-bind-address=127.0.0.1:%d", pprofPort))
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kcPath, "WATCH_NAMESPACE=bench", "LOG_LEVEL=error", "PROXY_RUNNER_IMAGE=proxyrunner:bench")
	errLog := &lineCounter{}
	cmd.Stderr = errLog
	if *verbose {
		cmd.Stderr = io.MultiWriter(os.Stderr, errLog)
	}
	if err := cmd.Start(); err != nil {
		return operatorResult{}, err
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	var before scrape
	for deadline := time.Now().Add(60 * time.Second); ; {
		if before, err = scrapeMetrics(metricsURL); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return operatorResult{}, fmt.Errorf("manager metrics never came up: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(time.Second) // informers synced
	startRSS, startFile := procRSS(cmd.Process.Pid), procStatusKiB(cmd.Process.Pid, "RssFile:")
	if before, err = scrapeMetrics(metricsURL); err != nil {
		return operatorResult{}, err
	}
	children, err := watchChildren(ctx, cfg, "bench")
	if err != nil {
		return operatorResult{}, err
	}
	defer children.stop()
	var profiled chan error
	if *cpuProfile != "" {
		profiled = make(chan error, 1)
		go func() {
			profiled <- fetchTo(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=%d", pprofPort, *cpuProfileSeconds), *cpuProfile)
		}()
	}
	var apiProfiled chan error
	if *apiserverProfile != "" {
		apiProfiled = make(chan error, 1)
		go func() { apiProfiled <- fetchAPIServerProfile(cfg, *cpuProfileSeconds, *apiserverProfile) }()
	}
	start, cpuStart, cpStart := time.Now(), procCPU(cmd.Process.Pid), controlPlaneCPU()
	if *verbose {
		go reportProgress(ctx, children, n, start)
	}
	if err := parallel(ctx, n, 16, func(i int) error { return c.Create(ctx, server("bench", i)) }); err != nil {
		return operatorResult{}, err
	}
	if err := children.wait(ctx, n); err != nil {
		return operatorResult{}, err
	}
	elapsed, busyCPU, cpCPU := time.Since(start), procCPU(cmd.Process.Pid)-cpuStart, controlPlaneCPU().sub(cpStart)
	if *apiserverMetrics != "" {
		if err := fetchAPIServer(cfg, "/metrics", *apiserverMetrics, time.Minute); err != nil {
			return operatorResult{}, fmt.Errorf("kube-apiserver metrics: %w", err)
		}
	}
	if *dumpChildren != "" {
		if err := dumpServerChildren(ctx, c, "bench", *dumpChildren); err != nil {
			return operatorResult{}, err
		}
	}
	if *heapProfile != "" {
		// The binary profile for go tool pprof, and the text form with the runtime's MemStats.
		for suffix, query := range map[string]string{"": "", ".txt": "?debug=1"} {
			if err := fetchTo(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap%s", pprofPort, query), *heapProfile+suffix); err != nil {
				return operatorResult{}, fmt.Errorf("heap profile: %w", err)
			}
		}
	}
	if profiled != nil {
		if err := <-profiled; err != nil {
			return operatorResult{}, fmt.Errorf("CPU profile: %w", err)
		}
	}
	if apiProfiled != nil {
		if err := <-apiProfiled; err != nil {
			return operatorResult{}, fmt.Errorf("kube-apiserver CPU profile: %w", err)
		}
	}
	time.Sleep(2 * time.Second) // trailing status patches and their reconciles
	after, err := scrapeMetrics(metricsURL)
	if err != nil {
		return operatorResult{}, err
	}
	res := operatorResult{elapsed: elapsed, reads: int64(after.reads - before.reads), writes: int64(after.writes - before.writes),
		reconciles: int64(after.reconciles - before.reconciles), peakRSSKiB: procPeakRSS(cmd.Process.Pid), busyCPU: busyCPU, controlPlaneCPU: cpCPU, startRSSKiB: startRSS, startFileKiB: startFile}
	cpu0 := procCPU(cmd.Process.Pid)
	time.Sleep(*idle)
	idleEnd, err := scrapeMetrics(metricsURL)
	if err != nil {
		return operatorResult{}, err
	}
	res.idleCPU = procCPU(cmd.Process.Pid) - cpu0
	// The scrape itself is not an API request; rest_client counts only the manager's own.
	res.idleRequests = int64(idleEnd.reads + idleEnd.writes - after.reads - after.writes)
	res.idleReconciles = int64(idleEnd.reconciles - after.reconciles)
	res.idleRSSKiB, res.idlePeakKiB = procRSS(cmd.Process.Pid), procPeakRSS(cmd.Process.Pid)
	res.errorLines, res.reconcileErrors = errLog.lines.Load(), int64(idleEnd.reconcileErrors-before.reconcileErrors)
	return res, nil
}

// reportProgress prints, every 10 s until every child exists, how many do.
func reportProgress(ctx context.Context, w *childWatch, n int, start time.Time) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for !w.complete(n) {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fmt.Fprintf(os.Stderr, "bench/operator: %4.0fs %s load %s\n", time.Since(start).Seconds(), w.progress(n), loadAverage())
		}
	}
}

// parallel runs f(0..n-1) on w goroutines and returns the first error.
func parallel(ctx context.Context, n, w int, f func(int) error) error {
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		once   sync.Once
		result error
	)
	for g := 0; g < w; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { result = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return result
}

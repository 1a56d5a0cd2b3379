package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	"github.com/operator-framework/operator-lib/proxy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	crzap "sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mcpoperator "github.com/mcp-operator/mcp-operator"
	"github.com/mcp-operator/mcp-operator/controllers"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/metricsauth"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/ssrf"
	"github.com/mcp-operator/mcp-operator/pkg/version"
)

// flags are the manager's command-line settings.
type flags struct {
	metricsAddr, probeAddr  string
	pprofAddr               string
	metricsSecure           bool
	metricsCertDir          string
	leaderElect             bool
	watchesFile, chartsDir  string
	kubeconfig              string
	allowLoopback           bool
	allowStdioBackends      bool
	maxConcurrentReconciles int
	showVersion             bool
	zap                     crzap.Options
}

// parseFlags reads the command line; flag.ErrHelp means --help was asked for (usage
// already printed) and the caller exits 0.
func parseFlags(args []string) (flags, error) {
	f := flags{zap: zapOptions()}
	fsys := flag.NewFlagSet("manager", flag.ContinueOnError)
	fsys.StringVar(&f.kubeconfig, "kubeconfig", "", "path to a kubeconfig; only needed out of cluster (default: $KUBECONFIG, in-cluster config, ~/.kube/config)")
	fsys.BoolVar(&f.metricsSecure, "metrics-secure", false, "serve metrics over HTTPS and require a token allowed to get /metrics (TokenReview + SubjectAccessReview)")
	fsys.StringVar(&f.metricsCertDir, "metrics-cert-dir", "", "directory with tls.crt and tls.key for --metrics-secure (default: a self-signed certificate)")
	fsys.StringVar(&f.metricsAddr, "metrics-bind-address", ":8080", "address of the Prometheus metrics endpoint (0 disables it)")
	fsys.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "address of the /healthz and /readyz probes")
	fsys.StringVar(&f.pprofAddr, "pprof-bind-address", "", "address of Go's /debug/pprof endpoints, for profiling (empty disables them)")
	fsys.BoolVar(&f.leaderElect, "leader-elect", false, "elect a leader so only one replica reconciles")
	fsys.StringVar(&f.watchesFile, "watches-file", "", "watches.yaml mapping kinds to charts (default: the embedded one)")
	fsys.StringVar(&f.chartsDir, "charts-dir", "", "directory holding the charts named in the watches file (default: the embedded charts)")
	fsys.BoolVar(&f.allowLoopback, "allow-loopback-endpoints", false, "accept loopback remote URLs (development and tests only)")
	fsys.BoolVar(&f.allowStdioBackends, "allow-stdio-backends", false, "accept stdio commands in VirtualMCPServer spec.config.backends (the vmcp pod runs them)")
	fsys.IntVar(&f.maxConcurrentReconciles, "max-concurrent-reconciles", 4, "workers per controller")
	fsys.BoolVar(&f.showVersion, "version", false, "print the version and exit")
	f.zap.BindFlags(fsys)
	return f, fsys.Parse(args)
}

// watchNamespaces parses WATCH_NAMESPACE: empty means all namespaces, else a comma list.
func watchNamespaces(v string) []string {
	var out []string
	for _, ns := range strings.Split(v, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			out = append(out, ns)
		}
	}
	return out
}

// defaultGCPercent trades a little CPU for memory. Profiled at 1,000 MCPServers (bench/operator
// -heap-profile) the live heap is ~45 MB, mostly the informer caches of the 9,000 children,
// while each reconcile allocates ~1.2 MB to render and apply them (helm, YAML decoding, the
// apply round trip); with the default GOGC=100 the heap doubles the live set between
// collections and peak RSS reached 134 MiB. GOGC, when set, wins.
const defaultGCPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	f, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err == nil && f.showVersion {
		fmt.Println("manager", version.Version)
		os.Exit(0)
	}
	if err == nil {
		err = run(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "manager:", err)
		os.Exit(1)
	}
}

func run(f flags) error {
	ctrl.SetLogger(crzap.New(crzap.UseFlagOptions(&f.zap)))
	cfg, err := restConfig(f.kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	renderer, err := newRenderer(cfg, f)
	if err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 controllers.NewScheme(),
		Metrics:                metricsOptions(f),
		HealthProbeBindAddress: f.probeAddr,
		PprofBindAddress:       f.pprofAddr,
		LeaderElection:         f.leaderElect,
		LeaderElectionID:       "mcp-operator.toolhive.stacklok.dev",
		Cache:                  controllers.CacheOptions(watchNamespaces(os.Getenv("WATCH_NAMESPACE"))),
		Client:                 controllers.ClientOptions(),
		MapperProvider:         controllers.MapperProvider,
	})
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	ctx := ctrl.SetupSignalHandler()
	err = controllers.Setup(ctx, mgr, controllers.Options{
		Renderer:                renderer,
		ProxyRunnerImage:        envOr("PROXY_RUNNER_IMAGE", "ghcr.io/mcp-operator/proxyrunner:latest"),
		VMCPImage:               envOr("VMCP_IMAGE", "ghcr.io/mcp-operator/vmcp:latest"),
		RegistryAPIImage:        envOr("REGISTRY_API_IMAGE", controllers.DefaultRegistryAPIImage),
		AllowLoopbackEndpoints:  f.allowLoopback,
		AllowStdioBackends:      f.allowStdioBackends,
		OperandEnv:              operandEnv(f.allowLoopback),
		MaxConcurrentReconciles: f.maxConcurrentReconciles,
	})
	if err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	ctrl.Log.Info("Starting manager", "version", version.Version, "watchNamespace", os.Getenv("WATCH_NAMESPACE"), "allowLoopbackEndpoints", f.allowLoopback)
	return mgr.Start(ctx)
}

// restConfig honours --kubeconfig first, then controller-runtime's usual search
// ($KUBECONFIG, in-cluster, ~/.kube/config).
func restConfig(path string) (*rest.Config, error) {
	if path != "" {
		return clientcmd.BuildConfigFromFlags("", path)
	}
	return ctrl.GetConfig()
}

// metricsOptions serves plain HTTP metrics by default and, with --metrics-secure, HTTPS
// guarded by the API server's TokenReview and SubjectAccessReview (as kubebuilder
// scaffolds it), so only a ServiceAccount allowed to `get /metrics` can scrape.
func metricsOptions(f flags) metricsserver.Options {
	o := metricsserver.Options{BindAddress: f.metricsAddr}
	if f.metricsSecure {
		o.SecureServing = true
		o.FilterProvider = metricsauth.FilterProvider
		o.CertDir = f.metricsCertDir
	}
	return o
}

// newRenderer loads the watches file and charts (embedded unless overridden) and sets
// the Kubernetes version charts see from the server's discovery.
func newRenderer(cfg *rest.Config, f flags) (*render.Renderer, error) {
	watchesData := mcpoperator.Watches
	if f.watchesFile != "" {
		data, err := os.ReadFile(f.watchesFile)
		if err != nil {
			return nil, fmt.Errorf("--watches-file: %w", err)
		}
		watchesData = data
	}
	ws, err := render.ParseWatches(watchesData)
	if err != nil {
		return nil, err
	}
	var charts fs.FS = helmcharts.FS
	if f.chartsDir != "" {
		charts = os.DirFS(f.chartsDir)
	}
	return render.NewRenderer(render.Options{Watches: ws, Charts: charts, KubeVersion: kubeVersion(cfg)})
}

// kubeVersion asks the API server for its version; "" (the default) when it cannot.
func kubeVersion(cfg *rest.Config) string {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return ""
	}
	v, err := dc.ServerVersion()
	if err != nil {
		return ""
	}
	return v.GitVersion
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// operandEnv is the environment every operand container gets: the proxy variables OLM
// sets, and the connect-time SSRF guard's loopback switch when the operator admits
// loopback endpoints (so what the operator accepted, the operands can reach).
func operandEnv(allowLoopback bool) []corev1.EnvVar {
	env := proxy.ReadProxyVarsFromEnv()
	if allowLoopback {
		env = append(env, corev1.EnvVar{Name: ssrf.EnvAllowLoopback, Value: "true"})
	}
	return env
}

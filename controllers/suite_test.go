package controllers

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mcpoperator "github.com/mcp-operator/mcp-operator"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"go.uber.org/zap/zapcore"
)

// The shared envtest environment: one kube-apiserver + etcd and one manager running every
// reconciler, watching only suiteNamespaces (tests that run their own manager use others).
var (
	testCfg     *rest.Config
	k8s         client.Client
	testApplier *render.Applier
	envErr      error
)

// testOperandEnv stands for the HTTP(S)_PROXY/NO_PROXY settings passed to operands.
var testOperandEnv = []corev1.EnvVar{{Name: "NO_PROXY", Value: ".svc"}}

// errorf is fmt.Errorf, short for polling closures.
var errorf = fmt.Errorf

var suiteNamespaces = []string{"servers", "toolcfg", "remote", "entries", "groups", "seeds", "writes", "upstream"}

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	env, cancel, err := startSuite()
	envErr = err
	code := m.Run()
	if cancel != nil {
		cancel()
	}
	if env != nil {
		_ = env.Stop()
	}
	os.Exit(code)
}

// requireEnv skips under -short and fails loudly when the environment did not start.
func requireEnv(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("envtest suite skipped under -short")
	}
	if envErr != nil {
		t.Fatalf("envtest environment: %v (run `make tools` and `make manifests`)", envErr)
	}
}

func newTestRenderer() (*render.Renderer, error) {
	ws, err := render.ParseWatches(mcpoperator.Watches)
	if err != nil {
		return nil, err
	}
	return render.NewRenderer(render.Options{Watches: ws, Charts: helmcharts.FS})
}

func startSuite() (*envtest.Environment, context.CancelFunc, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		assets, _ := filepath.Abs("../bin/k8s/1.34.4-linux-amd64")
		os.Setenv("KUBEBUILDER_ASSETS", assets)
	}
	ctrl.SetLogger(zap.New(zap.UseDevMode(false), zap.Level(zapLevel())))
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "10.0.0.0/16")
	cfg, err := env.Start()
	if err != nil {
		return nil, nil, fmt.Errorf("start envtest: %w", err)
	}
	testCfg = cfg
	if k8s, err = client.New(cfg, client.Options{Scheme: NewScheme()}); err != nil {
		return env, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	for _, ns := range append(suiteNamespaces, "restart") {
		if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			return env, cancel, err
		}
	}
	mgr, applier, err := newTestManager(cfg, suiteNamespaces)
	if err != nil {
		return env, cancel, err
	}
	testApplier = applier
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager stopped:", err)
		}
	}()
	return env, cancel, nil
}

// newTestManager builds a manager with every reconciler of this package, scoped to namespaces.
func newTestManager(cfg *rest.Config, namespaces []string) (ctrl.Manager, *render.Applier, error) {
	r, err := newTestRenderer()
	if err != nil {
		return nil, nil, err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 NewScheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  CacheOptions(namespaces),
		Client:                 ClientOptions(),
		// Tests run several managers in one process (restart test).
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, nil, err
	}
	applier, err := NewApplier(context.Background(), mgr)
	if err != nil {
		return nil, nil, err
	}
	err = Setup(context.Background(), mgr, Options{
		Renderer: r, Applier: applier, ProxyRunnerImage: "proxyrunner:test", VMCPImage: "vmcp:test",
		OperandEnv: testOperandEnv, ReferenceRecheckInterval: 300 * time.Millisecond,
		Resolver: testResolver{},
	})
	return mgr, applier, err
}

// zapLevel is errors only, or debug with TEST_LOG set.
func zapLevel() zapcore.Level {
	if os.Getenv("TEST_LOG") != "" {
		return zapcore.DebugLevel
	}
	return zapcore.ErrorLevel
}

// eventually polls f until it returns nil or the timeout passes.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: still failing after 30s: %v", what, err)
}

// testResolver answers the SSRF check's lookups: *.resolver.test names resolve to the
// address their first label names, every other name does not resolve.
type testResolver struct{}

var testResolverAnswers = map[string]string{"loop": "127.0.0.1", "meta": "169.254.169.254", "public": "8.8.8.8"}

func (testResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	first, rest, _ := strings.Cut(host, ".")
	if a, ok := testResolverAnswers[first]; ok && rest == "resolver.test" {
		return []netip.Addr{netip.MustParseAddr(a)}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

package k8s

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/kubeapi"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/gateway"
)

// Environment variables that switch Kubernetes mode on.
const (
	EnvName      = "VMCP_NAME"
	EnvNamespace = "VMCP_NAMESPACE"
)

// Options configure Start.
type Options struct {
	// Name and Namespace of the VirtualMCPServer this vmcp serves.
	Name, Namespace string
	// Config is the vmcp configuration (statusReportingInterval is read from it).
	Config *config.Config
	// REST is the API server connection; nil means in-cluster config or KUBECONFIG.
	REST *rest.Config
	// Logger; nil means none.
	Logger *zap.Logger
}

// Mode is a running Kubernetes mode: the backend source and the status reporter.
type Mode struct {
	opts     Options
	source   *Source
	store    *store
	client   dynamic.Interface
	interval time.Duration
}

// FromEnv starts Kubernetes mode when VMCP_NAME and VMCP_NAMESPACE are set, and
// returns nil (and no error) when they are not.
func FromEnv(ctx context.Context, cfg *config.Config, log *zap.Logger) (*Mode, error) {
	name, ns := os.Getenv(EnvName), os.Getenv(EnvNamespace)
	if name == "" && ns == "" {
		return nil, nil
	}
	if name == "" || ns == "" {
		return nil, errors.New("Kubernetes mode needs both VMCP_NAME and VMCP_NAMESPACE")
	}
	return Start(ctx, Options{Name: name, Namespace: ns, Config: cfg, Logger: log})
}

// Start connects to the API server, starts a cache of the namespace restricted to
// the kinds vmcp reads (its own VirtualMCPServer by name), waits for it to sync and
// computes the first backend set, so the gateway starts with the real backends.
func Start(ctx context.Context, o Options) (*Mode, error) {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	restCfg := o.REST
	if restCfg == nil {
		c, err := kubeapi.RESTConfig()
		if err != nil {
			return nil, fmt.Errorf("Kubernetes mode: %w", err)
		}
		restCfg = c
	}
	dc, err := dynamic.NewForConfig(restCfg)
	if err != nil {
		return nil, err
	}
	key := types.NamespacedName{Namespace: o.Namespace, Name: o.Name}
	st := newStore(dc, key)
	m := &Mode{opts: o, source: newSource(st, key, o.Logger), store: st, client: dc, interval: reportInterval(o.Config)}
	if err := st.addHandler(m.source.handler()); err != nil {
		return nil, err
	}
	syncCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	synced := make(chan bool, 1)
	go func() { synced <- st.start(ctx) }()
	select {
	case ok := <-synced:
		if !ok {
			return nil, errors.New("Kubernetes mode: stopped before the cache synced")
		}
	case <-syncCtx.Done():
		return nil, errors.New("Kubernetes mode: the cache did not sync within a minute (check the API server and the Role)")
	}
	if err := m.source.recompute(ctx); err != nil {
		return nil, err
	}
	go m.source.run(ctx)
	o.Logger.Info("Kubernetes mode", zap.String("virtualMCPServer", key.String()), zap.Int("backends", len(m.source.Backends())), zap.Duration("statusReportingInterval", m.interval))
	return m, nil
}

// reportInterval is statusReportingInterval, or its default.
func reportInterval(c *config.Config) time.Duration {
	if c == nil {
		return config.ReportingInterval(nil)
	}
	return config.ReportingInterval(c.Operational)
}

// Source returns the live backend source for gateway.Options.Source.
func (m *Mode) Source() backend.Source { return m.source }

// ReportStatus writes the gateway's backend state to the VirtualMCPServer status now
// and every statusReportingInterval until ctx ends.
func (m *Mode) ReportStatus(ctx context.Context, g *gateway.Gateway) {
	m.awaitFirstChecks(ctx, g)
	t := time.NewTicker(m.interval)
	defer t.Stop()
	for {
		if err := m.Report(ctx, g.Snapshots(), g.AggregationError()); err != nil && ctx.Err() == nil {
			m.opts.Logger.Warn("Writing VirtualMCPServer status failed", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// awaitFirstChecks waits (at most one interval) until every backend has been
// checked once, so the first report does not show them all as unknown.
func (m *Mode) awaitFirstChecks(ctx context.Context, g *gateway.Gateway) {
	deadline := time.Now().Add(m.interval)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		snaps := g.Snapshots()
		checked := len(snaps) == len(m.source.Backends())
		for _, s := range snaps {
			checked = checked && !s.LastHealthCheck.IsZero()
		}
		if checked {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Report writes one status report (server-side apply, field manager FieldManager)
// from the gateway's snapshots and its last aggregation error, and records a
// Warning event when ToolsAggregated turns False or its message changes.
func (m *Mode) Report(ctx context.Context, snaps []gateway.BackendSnapshot, aggErr error) error {
	v, err := m.store.getVirtualMCPServer()
	if err != nil {
		return err
	}
	info, skipped, problems := m.source.view()
	now := time.Now()
	r := BuildReport(snaps, info, skipped, problems, currentCondition(v), v.Generation, now)
	prevTools := meta.FindStatusCondition(v.Status.Conditions, v1alpha1.ConditionToolsAggregated)
	r.Tools = ToolsCondition(aggErr, prevTools, v.Generation, now)
	if err := r.Apply(ctx, m.client, v.Name, v.Namespace); err != nil {
		return err
	}
	if newWarning(prevTools, r.Tools) {
		return recordWarning(ctx, m.client, v, r.Tools, now)
	}
	return nil
}

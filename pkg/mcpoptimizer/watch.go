package mcpoptimizer

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// debounce gathers bursts of MCPServer events into one ingestion.
const debounce = 500 * time.Millisecond

// Run watches MCPServers and re-ingests on every change and every
// e.Interval, until ctx ends.
func Run(ctx context.Context, cfg *rest.Config, e Env, in *Ingester, log *zap.Logger) error {
	ctrllog.SetLogger(zapr.NewLogger(log))
	scheme := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return err
	}
	opts := cache.Options{Scheme: scheme}
	if !e.AllNamespaces {
		opts.DefaultNamespaces = map[string]cache.Config{e.Namespace: {}}
	}
	c, err := cache.New(cfg, opts)
	if err != nil {
		return fmt.Errorf("watching MCPServers: %w", err)
	}
	inf, err := c.GetInformer(ctx, &v1alpha1.MCPServer{})
	if err != nil {
		return fmt.Errorf("watching MCPServers: %w", err)
	}
	changed := make(chan struct{}, 1)
	poke := func(any) {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: poke, DeleteFunc: poke, UpdateFunc: func(_, n any) { poke(n) },
	}); err != nil {
		return err
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return fmt.Errorf("MCPServer cache did not sync (is the API server reachable and the CRD installed?)")
	}
	tick := time.NewTicker(e.Interval)
	defer tick.Stop()
	for {
		if err := ingestOnce(ctx, c, e, in); err != nil {
			log.Error("Listing MCPServers failed", zap.Error(err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-changed:
			time.Sleep(debounce)
		}
	}
}

func ingestOnce(ctx context.Context, c client.Reader, e Env, in *Ingester) error {
	list := &v1alpha1.MCPServerList{}
	var opts []client.ListOption
	if !e.AllNamespaces {
		opts = append(opts, client.InNamespace(e.Namespace))
	}
	if err := c.List(ctx, list, opts...); err != nil {
		return err
	}
	ws := make([]Workload, 0, len(list.Items))
	for i := range list.Items {
		ws = append(ws, FromMCPServer(&list.Items[i]))
	}
	in.Ingest(ctx, Select(ws, e.AllowedGroups))
	return nil
}

package k8s

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/backend"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

// backendInfo is what status reporting needs about a backend besides its health.
type backendInfo struct {
	authType, authRef string
}

// Source is a backend.Source over the live members of the VirtualMCPServer's group.
type Source struct {
	store     *store
	key       types.NamespacedName
	log       *zap.Logger
	changed   chan struct{}
	triggered chan struct{}

	mu       sync.Mutex
	backends []backend.Backend
	byName   map[string]backend.Backend
	info     map[string]backendInfo
	skipped  []members.Member
	problems []string
	// recheck re-reads the CA bundles (see scheduleCARecheck).
	recheck *time.Timer
	// remoteChecks is TOOLHIVE_REMOTE_HEALTHCHECKS (see Compute).
	remoteChecks bool
}

// EnvRemoteHealthChecks, set to true in the vmcp pod, health-checks remote
// workloads (MCPRemoteProxy, MCPServerEntry) too; by default only MCPServers are.
const EnvRemoteHealthChecks = "TOOLHIVE_REMOTE_HEALTHCHECKS"

// remoteHealthChecksFromEnv reads EnvRemoteHealthChecks (anything but a true
// boolean is false).
func remoteHealthChecksFromEnv() bool {
	v, err := strconv.ParseBool(os.Getenv(EnvRemoteHealthChecks))
	return err == nil && v
}

func newSource(st *store, key types.NamespacedName, log *zap.Logger) *Source {
	return &Source{store: st, key: key, log: log, changed: make(chan struct{}, 1), remoteChecks: remoteHealthChecksFromEnv(),
		triggered: make(chan struct{}, 1), byName: map[string]backend.Backend{}, info: map[string]backendInfo{}}
}

// Backends implements backend.Source.
func (s *Source) Backends() []backend.Backend {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]backend.Backend(nil), s.backends...)
}

// Changed implements backend.Source.
func (s *Source) Changed() <-chan struct{} { return s.changed }

// trigger asks the loop to recompute (coalescing bursts of informer events).
func (s *Source) trigger() {
	select {
	case s.triggered <- struct{}{}:
	default:
	}
}

// handler is the informer event handler of every watched kind.
func (s *Source) handler() toolscache.ResourceEventHandler {
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { s.trigger() },
		UpdateFunc: func(any, any) { s.trigger() },
		DeleteFunc: func(any) { s.trigger() },
	}
}

// run recomputes the backends on every trigger until ctx ends.
func (s *Source) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.triggered:
			if err := s.recompute(ctx); err != nil {
				s.log.Warn("Reading the group's members failed", zap.Error(err))
			}
		}
	}
}

// recompute reads the VirtualMCPServer and its group's members from the cache and
// publishes the backends when they changed.
func (s *Source) recompute(ctx context.Context) error {
	v, err := s.store.getVirtualMCPServer()
	if err != nil {
		return fmt.Errorf("reading VirtualMCPServer %s: %w", s.key, err)
	}
	spec, _ := v.Normalize()
	g, eas, err := s.readGroup(ctx, spec)
	if err != nil {
		return err
	}
	next, info, skipped, problems := Compute(spec, g, eas, s.remoteChecks)
	s.publish(next, info, skipped, problems)
	s.scheduleCARecheck(g)
	return nil
}

// CA bundles are read by name, not watched: they are read again after
// caMissingRecheck while one is missing (the Role or the ConfigMap may lag the
// entry) and after caRotationRecheck otherwise, so a rotated CA is picked up.
const (
	caMissingRecheck  = 5 * time.Second
	caRotationRecheck = time.Minute
)

func (s *Source) scheduleCARecheck(g members.Group) {
	names := members.CABundleConfigMaps(members.List(g))
	if len(names) == 0 {
		return
	}
	d := caRotationRecheck
	if len(g.ConfigMaps) < len(names) {
		d = caMissingRecheck
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recheck == nil {
		s.recheck = time.AfterFunc(d, s.trigger)
		return
	}
	s.recheck.Reset(d)
}

func (s *Source) readGroup(ctx context.Context, spec v1alpha1.VirtualMCPServerSpec) (members.Group, map[string]*v1alpha1.MCPExternalAuthConfig, error) {
	var g members.Group
	eas := map[string]*v1alpha1.MCPExternalAuthConfig{}
	if spec.GroupRef == nil {
		return g, eas, nil
	}
	servers, err := list[v1alpha1.MCPServer](s.store, resMCPServers)
	if err != nil {
		return g, eas, err
	}
	proxies, err := list[v1alpha1.MCPRemoteProxy](s.store, resMCPRemoteProxies)
	if err != nil {
		return g, eas, err
	}
	entries, err := list[v1alpha1.MCPServerEntry](s.store, resMCPServerEntries)
	if err != nil {
		return g, eas, err
	}
	auths, err := list[v1alpha1.MCPExternalAuthConfig](s.store, resMCPExternalAuthConfigs)
	if err != nil {
		return g, eas, err
	}
	group := spec.GroupRef.Name
	for _, x := range servers {
		if x.GroupName() == group {
			g.Servers = append(g.Servers, x)
		}
	}
	for _, x := range proxies {
		if x.GroupName() == group {
			g.Proxies = append(g.Proxies, x)
		}
	}
	for _, x := range entries {
		if x.GroupName() == group {
			g.Entries = append(g.Entries, x)
		}
	}
	for i := range auths {
		eas[auths[i].Name] = &auths[i]
	}
	g.ConfigMaps = s.store.configMaps(ctx, members.CABundleConfigMaps(members.List(g)))
	return g, eas, nil
}

// Compute is the pure core of the source: the backends of a normalised spec and its
// group, each with its outgoing auth resolved as the operator resolves it; the auth
// info per backend; the members not used; and auth problems.
// remoteChecks is TOOLHIVE_REMOTE_HEALTHCHECKS: without it, remote workloads
// (MCPRemoteProxy, MCPServerEntry) are not health-checked periodically.
func Compute(spec v1alpha1.VirtualMCPServerSpec, g members.Group, eas map[string]*v1alpha1.MCPExternalAuthConfig, remoteChecks bool) ([]backend.Backend, map[string]backendInfo, []members.Member, []string) {
	all := members.List(g)
	usable := members.Usable(all)
	var written *config.OutgoingAuth
	var static []config.StaticBackend
	if spec.Config != nil {
		written, static = spec.Config.OutgoingAuth, spec.Config.Backends
	}
	auth := members.ResolveAuth(members.AuthInput{Spec: spec.OutgoingAuth, Config: written, Members: usable, AuthConfigs: eas})
	var out []backend.Backend
	info := map[string]backendInfo{}
	seen := map[string]bool{}
	add := func(b backend.Backend) {
		if seen[b.Name] {
			return
		}
		seen[b.Name] = true
		b.Auth = strategyFor(auth.OutgoingAuth, b.Name)
		info[b.Name] = backendInfo{authType: string(b.Auth.Type), authRef: auth.Refs[b.Name]}
		out = append(out, b)
	}
	for _, sb := range static {
		add(backend.Backend{Name: sb.Name, URL: sb.URL, Transport: sb.Transport, Command: sb.Command, Args: sb.Args, Env: sb.Env})
	}
	problems := auth.Problems
	for _, m := range auth.WithoutExcluded(usable) {
		ca, err := members.CABundleOf(m, g.ConfigMaps)
		if err != nil {
			// Left out alone, like a backend whose own auth config is missing: never
			// dialled with the system roots in place of the CA it asked for.
			problems = append(problems, err.Error())
			continue
		}
		var headers map[string]string
		if m.Headers != nil {
			headers = m.Headers.AddPlaintextHeaders
		}
		add(backend.Backend{Name: m.Name, URL: m.URL, Transport: m.Transport, Headers: headers,
			HeaderEnv: members.HeaderEnvOf(m), CABundle: ca, SkipHealthChecks: m.Kind != members.KindMCPServer && !remoteChecks})
	}
	var skipped []members.Member
	for _, m := range all {
		if m.Skipped != "" {
			skipped = append(skipped, m)
		}
	}
	return out, info, skipped, problems
}

func strategyFor(o *config.OutgoingAuth, name string) *config.BackendAuthStrategy {
	if s, ok := o.Backends[name]; ok {
		return &s
	}
	d := *o.Default
	return &d
}

// publish stores the new set, reusing the previous value of an unchanged backend
// (so the gateway, which compares definitions, keeps its sessions), and signals a
// change only when the set differs.
func (s *Source) publish(next []backend.Backend, info map[string]backendInfo, skipped []members.Member, problems []string) {
	s.mu.Lock()
	changed := len(next) != len(s.backends)
	byName := map[string]backend.Backend{}
	for i, b := range next {
		if prev, ok := s.byName[b.Name]; ok && reflect.DeepEqual(prev, b) {
			next[i] = prev
		} else {
			changed = true
		}
		byName[b.Name] = next[i]
	}
	s.backends, s.byName, s.info, s.skipped, s.problems = next, byName, info, skipped, problems
	s.mu.Unlock()
	if !changed {
		return
	}
	s.log.Info("Backends changed", zap.Int("backends", len(next)), zap.Int("skipped", len(skipped)))
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// view returns what status reporting needs, under the lock.
func (s *Source) view() (map[string]backendInfo, []members.Member, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info, append([]members.Member(nil), s.skipped...), append([]string(nil), s.problems...)
}

package k8s

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/gateway"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/health"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

// FieldManager is the server-side apply field manager vmcp writes its status
// fields with: status.runtime (its backends' health, backendCount, its own
// BackendsDiscovered condition and the lastReportTime heartbeat) and the
// ToolsAggregated condition of status.conditions. Everything else in the status,
// status.discoveredBackends included, belongs to the operator, which copies the health
// from status.runtime while the heartbeat is recent.
const FieldManager = "vmcp"

// Reasons of the BackendsDiscovered condition vmcp reports in status.runtime.
const (
	ReasonDiscovered = v1alpha1.ReasonDiscovered
	ReasonNoBackends = v1alpha1.ReasonNoBackends
)

// Report is vmcp's part of a VirtualMCPServer status.
type Report struct {
	// Backends are the backends vmcp serves, with their health, and the members it
	// does not use (status.runtime.discoveredBackends).
	Backends []v1alpha1.DiscoveredBackend
	// Condition is BackendsDiscovered as vmcp sees it (status.runtime.conditions).
	Condition metav1.Condition
	// Tools is the ToolsAggregated condition (zero: not reported).
	Tools metav1.Condition
	// Time is the heartbeat, status.runtime.lastReportTime (zero: not written).
	Time metav1.Time
}

// ToolsCondition is the ToolsAggregated condition for the gateway's last
// aggregation error (nil: the tools were merged). prev is the current one, whose
// transition time is kept while its status does not change. It is pure.
func ToolsCondition(aggErr error, prev *metav1.Condition, gen int64, now time.Time) metav1.Condition {
	c := metav1.Condition{Type: v1alpha1.ConditionToolsAggregated, ObservedGeneration: gen,
		Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonAggregated, Message: "the backends' tools were merged"}
	if aggErr != nil {
		c.Status, c.Reason = metav1.ConditionFalse, v1alpha1.ReasonToolNameConflict
		c.Message = aggErr.Error() + "; until then the previous tool list is served and /readyz fails"
	}
	if prev != nil && prev.Status == c.Status {
		c.LastTransitionTime = prev.LastTransitionTime
	} else {
		c.LastTransitionTime = metav1.NewTime(now.Truncate(time.Second))
	}
	return c
}

// BuildReport turns the gateway's snapshots, the per-backend auth info and the
// members not used into vmcp's status fields. prev is the current condition (its
// transition time is kept while the status does not change). It is pure.
func BuildReport(snaps []gateway.BackendSnapshot, info map[string]backendInfo, skipped []members.Member, problems []string, prev *metav1.Condition, gen int64, now time.Time) Report {
	var r Report
	ready := 0
	for _, s := range snaps {
		d := v1alpha1.DiscoveredBackend{Name: s.Name, URL: s.URL, Status: v1alpha1.BackendHealth(s.Status), Message: s.Message,
			CircuitBreakerState: v1alpha1.CircuitBreakerState(s.CircuitBreakerState), ConsecutiveFailures: int32(s.ConsecutiveFailures),
			AuthType: info[s.Name].authType, AuthConfigRef: info[s.Name].authRef}
		if d.Status == "" {
			d.Status = v1alpha1.BackendUnknown
		}
		if !s.LastHealthCheck.IsZero() {
			t := metav1.NewTime(s.LastHealthCheck.Truncate(time.Second))
			d.LastHealthCheck = &t
		}
		if s.Status == health.StatusReady {
			ready++
		}
		r.Backends = append(r.Backends, d)
	}
	seen := map[string]bool{}
	for _, b := range r.Backends {
		seen[b.Name] = true
	}
	for _, m := range skipped {
		// The list is keyed by name: a skipped duplicate of a served name is not listed.
		if !seen[m.Name] {
			seen[m.Name] = true
			r.Backends = append(r.Backends, members.LeftOutEntry(m))
		}
	}
	sort.SliceStable(r.Backends, func(i, j int) bool { return r.Backends[i].Name < r.Backends[j].Name })
	r.Condition = discoveredCondition(len(snaps), ready, problems, gen)
	if prev != nil && prev.Status == r.Condition.Status {
		r.Condition.LastTransitionTime = prev.LastTransitionTime
	} else {
		r.Condition.LastTransitionTime = metav1.NewTime(now.Truncate(time.Second))
	}
	r.Time = metav1.NewTime(now.Truncate(time.Second))
	return r
}

func discoveredCondition(n, ready int, problems []string, gen int64) metav1.Condition {
	c := metav1.Condition{Type: v1alpha1.ConditionBackendsDiscovered, ObservedGeneration: gen}
	if n == 0 {
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, ReasonNoBackends, "no backend discovered in the group; see status.discoveredBackends and the group's members"
	} else {
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, ReasonDiscovered, fmt.Sprintf("%d backends discovered, %d ready", n, ready)
	}
	if len(problems) > 0 {
		c.Message += "; " + strings.Join(problems, "; ")
	}
	return c
}

// applyObject is the server-side apply document of a report: status.runtime and the
// ToolsAggregated condition, nothing else.
func (r Report) applyObject(name, namespace string) (*unstructured.Unstructured, error) {
	backends := make([]any, 0, len(r.Backends))
	for i := range r.Backends {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&r.Backends[i])
		if err != nil {
			return nil, err
		}
		backends = append(backends, m)
	}
	cond, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&r.Condition)
	if err != nil {
		return nil, err
	}
	rt := map[string]any{
		"discoveredBackends": backends,
		"backendCount":       int64(len(r.Backends)),
		"conditions":         []any{cond},
	}
	if !r.Time.IsZero() {
		rt["lastReportTime"] = r.Time.UTC().Format(time.RFC3339)
	}
	status := map[string]any{"runtime": rt}
	if r.Tools.Type != "" {
		tools, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&r.Tools)
		if err != nil {
			return nil, err
		}
		status["conditions"] = []any{tools}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": "VirtualMCPServer",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"status":   status,
	}}, nil
}

// Apply writes the report into the status of VirtualMCPServer namespace/name with
// server-side apply under FieldManager, touching no other field.
func (r Report) Apply(ctx context.Context, c dynamic.Interface, name, namespace string) error {
	u, err := r.applyObject(name, namespace)
	if err != nil {
		return err
	}
	_, err = c.Resource(resVirtualMCPServers).Namespace(namespace).ApplyStatus(ctx, name, u,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	return err
}

// currentCondition returns the BackendsDiscovered condition vmcp last reported, or nil.
func currentCondition(v *v1alpha1.VirtualMCPServer) *metav1.Condition {
	if v.Status.Runtime == nil {
		return nil
	}
	return meta.FindStatusCondition(v.Status.Runtime.Conditions, v1alpha1.ConditionBackendsDiscovered)
}

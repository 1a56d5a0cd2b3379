package controllers

import (
	"fmt"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/k8s/members"
)

// Who writes which part of a VirtualMCPServer's status. Both writers use server-side
// apply with their own field manager and never name the other's fields, so neither can
// overwrite the other (the conditions list is a map keyed by type, owned entry by entry):
//
//   - the operator (VMCPStatusFieldManager): phase, message, url, observedGeneration, the
//     config hashes, every condition but ToolsAggregated, and status.discoveredBackends
//     and status.backendCount. It lists the static backends and the group's members
//     with their outgoing auth (which are served, which are left out and why) on every
//     reconcile, whether or not vmcp runs, and copies each served backend's health from
//     vmcp's report while that report is recent.
//   - vmcp (pkg/vmcp/k8s FieldManager "vmcp"): status.runtime (its backends' health,
//     its own BackendsDiscovered view and the lastReportTime heartbeat, renewed every
//     statusReportingInterval) and the ToolsAggregated condition.
//
// When the heartbeat is older than config.HealthReportStaleAfter, the operator shows
// every served backend's health as unknown and sets BackendHealthReported False
// (BackendsHealthStale); while it is recent, the reconcile is requeued for the moment
// it turns stale, since a vmcp that stopped sends no event.

// reportMargin is added to the requeue at the moment a report turns stale, so the
// re-check finds it stale rather than a few milliseconds short of it.
const reportMargin = time.Second

// healthVerdict is what vmcp's report is worth now.
type healthVerdict struct {
	// fresh: the report is recent; its health is copied.
	fresh bool
	// unknownMsg explains an unknown health when the report is missing or stale.
	unknownMsg string
	// cond is BackendHealthReported.
	cond conditions.Spec
	// recheckIn is when the report turns stale (0: no time-based change is due).
	recheckIn time.Duration
}

// judgeHealthReport decides whether vmcp's report rt (nil: none) is fresh at now,
// given the age staleAfter at which it turns stale. name and ns name the vmcp
// Deployment in the message. It is pure.
func judgeHealthReport(rt *v1alpha1.VirtualMCPServerRuntime, staleAfter time.Duration, now time.Time, name, ns string) healthVerdict {
	t := v1alpha1.ConditionBackendHealthReported
	if rt == nil || rt.LastReportTime == nil {
		msg := "vmcp has not reported backend health yet; it does once its pod runs"
		return healthVerdict{unknownMsg: "health unknown: " + msg, cond: conditions.False(t, v1alpha1.ReasonPending, msg)}
	}
	at := rt.LastReportTime.UTC()
	age := now.Sub(at)
	if age > staleAfter {
		msg := fmt.Sprintf("vmcp's last health report is from %s, older than %d × %s: backend health shows unknown until it reports again; check the vmcp pod (kubectl logs deploy/%s -n %s)",
			at.Format(time.RFC3339), config.StaleReports, staleAfter/config.StaleReports, name, ns)
		return healthVerdict{unknownMsg: fmt.Sprintf("health unknown: vmcp's last report (%s) is stale", at.Format(time.RFC3339)),
			cond: conditions.False(t, v1alpha1.ReasonBackendsHealthStale, msg)}
	}
	return healthVerdict{fresh: true, recheckIn: staleAfter - age + reportMargin,
		cond: conditions.True(t, v1alpha1.ReasonReported, fmt.Sprintf("vmcp last reported backend health at %s", at.Format(time.RFC3339)))}
}

// withHealth is the discovered backends with the health of vmcp's report: copied
// for served backends while the report is fresh, unknown otherwise. Entries left out
// keep the status and reason discovery gave them. It is pure.
func withHealth(d members.Discovery, rt *v1alpha1.VirtualMCPServerRuntime, v healthVerdict) []v1alpha1.DiscoveredBackend {
	reported := map[string]v1alpha1.DiscoveredBackend{}
	if rt != nil {
		for _, b := range rt.DiscoveredBackends {
			reported[b.Name] = b
		}
	}
	out := make([]v1alpha1.DiscoveredBackend, 0, len(d.Backends))
	for _, b := range d.Backends {
		if d.LeftOut[b.Name] {
			out = append(out, b)
			continue
		}
		r, ok := reported[b.Name]
		switch {
		case v.fresh && ok:
			b.Status, b.Message, b.LastHealthCheck = r.Status, r.Message, r.LastHealthCheck
			b.CircuitBreakerState, b.ConsecutiveFailures, b.CircuitLastChanged, b.MCPRevision = r.CircuitBreakerState, r.ConsecutiveFailures, r.CircuitLastChanged, r.MCPRevision
		case v.fresh:
			b.Status, b.Message = v1alpha1.BackendUnknown, "health unknown: not in vmcp's last report yet"
		default:
			b.Status, b.Message = v1alpha1.BackendUnknown, v.unknownMsg
			if ok && r.Status != "" {
				b.Message += fmt.Sprintf("; last reported %s", r.Status)
			}
		}
		if b.Status == "" {
			b.Status = v1alpha1.BackendUnknown
		}
		out = append(out, b)
	}
	return out
}

// setBackendsDiscoveredCondition reports what discovery found (nil: it did not run
// because an earlier step stopped the reconcile; that step's condition says why).
func setBackendsDiscoveredCondition(conds *[]metav1.Condition, d *members.Discovery, group string, gen int64) {
	t := v1alpha1.ConditionBackendsDiscovered
	if d == nil {
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonPending, "backends are discovered once the spec and its groupRef resolve; see the conditions that are False"), gen)
		return
	}
	where := "in spec.config.backends"
	if group != "" {
		where = fmt.Sprintf("in MCPGroup %q and spec.config.backends", group)
	}
	var out []string
	for _, b := range d.Backends {
		if d.LeftOut[b.Name] {
			out = append(out, b.Name)
		}
	}
	sort.Strings(out)
	msg := fmt.Sprintf("%d backends discovered %s, %d served", len(d.Backends), where, d.Served())
	if len(out) > 0 {
		msg += fmt.Sprintf(", %d left out (%s; see status.discoveredBackends)", len(out), strings.Join(out, ", "))
	}
	if len(d.Shadowed) > 0 {
		msg += "; " + strings.Join(d.Shadowed, "; ")
	}
	if d.Served() == 0 {
		conditions.Set(conds, conditions.False(t, v1alpha1.ReasonNoBackends, "no backend to serve: "+msg), gen)
		return
	}
	conditions.Set(conds, conditions.True(t, v1alpha1.ReasonDiscovered, msg), gen)
}

// reportBackends fills status.discoveredBackends, backendCount, BackendsDiscovered and
// BackendHealthReported from the scope's discovery and vmcp's report, and returns when
// to look again (0: no time-based change due). kept: discovery failed on an error that
// a retry may fix, so the last discovery stays as it was.
func reportBackends(v *v1alpha1.VirtualMCPServer, s *vmcpScope, kept bool, now time.Time) time.Duration {
	st := &v.Status
	verdict := judgeHealthReport(st.Runtime, config.HealthReportStaleAfter(v.EffectiveOperational()), now, v.Name, v.Namespace)
	conditions.Set(&st.Conditions, verdict.cond, v.Generation)
	if s.discovery == nil && kept {
		return verdict.recheckIn
	}
	group := ""
	if s.spec.GroupRef != nil {
		group = s.spec.GroupRef.Name
	}
	setBackendsDiscoveredCondition(&st.Conditions, s.discovery, group, v.Generation)
	st.DiscoveredBackends = nil
	if s.discovery != nil {
		st.DiscoveredBackends = withHealth(*s.discovery, st.Runtime, verdict)
	}
	st.BackendCount = int32(len(st.DiscoveredBackends))
	return verdict.recheckIn
}

// leftOut names the discovered backends that are not served (status from discovery,
// not from health), so the phase looks only at the health of served ones.
func leftOut(s *vmcpScope) map[string]bool {
	if s.discovery == nil {
		return nil
	}
	return s.discovery.LeftOut
}

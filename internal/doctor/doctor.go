package doctor

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// Severity of a finding.
type Severity string

// Severities: Problem makes the exit code 1; Warning and OK do not.
const (
	OK      Severity = "ok"
	Warning Severity = "warning"
	Problem Severity = "problem"
)

// Finding is one checklist result.
type Finding struct {
	Severity Severity
	// Check names what was checked, e.g. "VirtualMCPServer/my-vmcp group".
	Check string
	// Message says what was found.
	Message string
	// Fix says what to do (empty for OK).
	Fix string
}

// Doctor checks one namespace.
type Doctor struct {
	// Client reads the cluster (scheme: Scheme()).
	Client client.Client
	// Namespace of the resources to check.
	Namespace string
	// Now is the clock for staleness (time.Now when nil).
	Now func() time.Time
	// EventWindow is how far back Warning events count (1h when zero).
	EventWindow time.Duration

	findings []Finding
}

// Scheme returns a scheme with the core kinds, the CRD kind and this API.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(s)
	_ = apiextensionsv1.AddToScheme(s)
	_ = v1alpha1.AddToScheme(s)
	return s
}

func (d *Doctor) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Doctor) add(sev Severity, check, fix, format string, args ...any) {
	d.findings = append(d.findings, Finding{Severity: sev, Check: check, Message: fmt.Sprintf(format, args...), Fix: fix})
}
func (d *Doctor) ok(check, format string, args ...any) { d.add(OK, check, "", format, args...) }
func (d *Doctor) problem(check, fix, format string, args ...any) {
	d.add(Problem, check, fix, format, args...)
}
func (d *Doctor) warn(check, fix, format string, args ...any) {
	d.add(Warning, check, fix, format, args...)
}

// Run runs the checklist: the cluster-wide checks, then the named resource (a
// VirtualMCPServer or, failing that, an MCPServer), or every VirtualMCPServer and
// MCPServer of the namespace when name is empty.
func (d *Doctor) Run(ctx context.Context, name string) ([]Finding, error) {
	d.findings = nil
	if !d.checkCRDs(ctx) {
		return d.findings, nil // nothing else can be read
	}
	if err := d.checkOperator(ctx); err != nil {
		return nil, err
	}
	if name != "" {
		if err := d.checkNamed(ctx, name); err != nil {
			return nil, err
		}
		return d.findings, nil
	}
	var vs v1alpha1.VirtualMCPServerList
	if err := d.Client.List(ctx, &vs, client.InNamespace(d.Namespace)); err != nil {
		return nil, fmt.Errorf("listing VirtualMCPServers: %w", err)
	}
	for i := range vs.Items {
		if err := d.checkVirtual(ctx, &vs.Items[i]); err != nil {
			return nil, err
		}
	}
	var ss v1alpha1.MCPServerList
	if err := d.Client.List(ctx, &ss, client.InNamespace(d.Namespace)); err != nil {
		return nil, fmt.Errorf("listing MCPServers: %w", err)
	}
	for i := range ss.Items {
		if err := d.checkServer(ctx, &ss.Items[i]); err != nil {
			return nil, err
		}
	}
	if len(vs.Items)+len(ss.Items) == 0 {
		d.warn("namespace "+d.Namespace, "apply your manifests to this namespace, or pass -n", "no VirtualMCPServer or MCPServer in namespace %s", d.Namespace)
	}
	return d.findings, nil
}

func (d *Doctor) checkNamed(ctx context.Context, name string) error {
	key := client.ObjectKey{Namespace: d.Namespace, Name: name}
	var v v1alpha1.VirtualMCPServer
	err := d.Client.Get(ctx, key, &v)
	if err == nil {
		return d.checkVirtual(ctx, &v)
	}
	if !isNotFound(err) {
		return fmt.Errorf("reading VirtualMCPServer %s: %w", name, err)
	}
	var s v1alpha1.MCPServer
	err = d.Client.Get(ctx, key, &s)
	if err == nil {
		return d.checkServer(ctx, &s)
	}
	if !isNotFound(err) {
		return fmt.Errorf("reading MCPServer %s: %w", name, err)
	}
	d.problem(name, "check the name and namespace: kubectl get virtualmcpserver,mcpserver -n "+d.Namespace,
		"no VirtualMCPServer or MCPServer %q in namespace %s", name, d.Namespace)
	return nil
}

// Problems reports whether any finding is a problem.
func Problems(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Problem {
			return true
		}
	}
	return false
}

// Print writes the findings, problems first, each with its fix.
func Print(w io.Writer, fs []Finding) {
	order := map[Severity]int{Problem: 0, Warning: 1, OK: 2}
	sorted := append([]Finding(nil), fs...)
	sort.SliceStable(sorted, func(i, j int) bool { return order[sorted[i].Severity] < order[sorted[j].Severity] })
	for _, f := range sorted {
		fmt.Fprintf(w, "[%s] %s: %s\n", f.Severity, f.Check, f.Message)
		if f.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", f.Fix)
		}
	}
	n := 0
	for _, f := range fs {
		if f.Severity == Problem {
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "healthy: no problems found")
	} else {
		fmt.Fprintf(w, "%d problem(s) found\n", n)
	}
}

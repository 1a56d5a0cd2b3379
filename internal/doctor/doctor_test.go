package doctor_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/doctor"
	"github.com/mcp-operator/mcp-operator/internal/localcp"
	"github.com/mcp-operator/mcp-operator/internal/testutil/ssa"
)

var (
	cp  *localcp.ControlPlane
	cli client.Client
)

func TestMain(m *testing.M) {
	os.Exit(ssa.Main(m, filepath.Join("..", ".."), func(c *localcp.ControlPlane) error {
		cp = c
		var err error
		if cli, err = client.New(cp.Config, client.Options{Scheme: doctor.Scheme()}); err != nil {
			return err
		}
		return createOperator(context.Background())
	}))
}

// createOperator creates the operator's Deployment (ready) as its chart would.
func createOperator(ctx context.Context) error {
	if err := cli.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "toolhive-system"}}); err != nil {
		return err
	}
	dep := deployment("toolhive-system", "mcp-operator", map[string]string{"app.kubernetes.io/name": doctor.OperatorLabel})
	if err := cli.Create(ctx, dep); err != nil {
		return err
	}
	dep.Status = appsv1.DeploymentStatus{Replicas: 1, ReadyReplicas: 1}
	return cli.Status().Update(ctx, dep)
}

func deployment(ns, name string, labels map[string]string) *appsv1.Deployment {
	sel := map[string]string{"app.kubernetes.io/instance": name}
	for k, v := range labels {
		sel[k] = v
	}
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: sel},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: sel}, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: sel}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "x"}}}}}}
}

// fixture is a namespace holding what a healthy deployment of one VirtualMCPServer
// over one MCPServer looks like after the operator and vmcp did their work.
type fixture struct {
	t  *testing.T
	ns string
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) create(o client.Object) {
	f.t.Helper()
	o.SetNamespace(f.ns)
	must(f.t, cli.Create(context.Background(), o))
}

func (f *fixture) status(o client.Object) {
	f.t.Helper()
	must(f.t, cli.Status().Update(context.Background(), o))
}

var nsCounter int

func newFixture(t *testing.T) *fixture {
	if cp == nil {
		t.Skip("needs the local control plane (not under -short)")
	}
	nsCounter++
	f := &fixture{t: t, ns: fmt.Sprintf("doc-%02d", nsCounter)}
	must(t, cli.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: f.ns}}))
	return f
}

// healthyServer creates MCPServer name (Ready) with its pods, Deployment, Service
// and endpoints.
func (f *fixture) healthyServer(name string, group string) *v1alpha1.MCPServer {
	s := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/x/" + name + ":1", Transport: v1alpha1.TransportStreamableHTTP}}
	if group != "" {
		s.Spec.GroupRef = &v1alpha1.GroupRef{Name: group}
	}
	f.create(s)
	s.Status = v1alpha1.MCPServerStatus{Phase: v1alpha1.PhaseReady, ObservedGeneration: s.Generation,
		Conditions: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonReady, LastTransitionTime: metav1.Now()}}}
	f.status(s)
	f.pod(name+"-0", name, nil)
	f.workload(name, "mcp-"+name+"-proxy")
	return s
}

// pod creates a Running pod of instance, or one whose container waits for reason.
func (f *fixture) pod(name, instance string, waiting *corev1.ContainerStateWaiting) {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/instance": instance}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "mcp", Image: "x"}}}}
	f.create(p)
	p.Status.Phase = corev1.PodRunning
	cs := corev1.ContainerStatus{Name: "mcp", Image: "x", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}
	if waiting != nil {
		p.Status.Phase = corev1.PodPending
		cs.Ready, cs.State = false, corev1.ContainerState{Waiting: waiting}
	}
	p.Status.ContainerStatuses = []corev1.ContainerStatus{cs}
	f.status(p)
}

// workload creates a ready Deployment and a Service with one ready endpoint.
func (f *fixture) workload(dep, svc string) {
	d := deployment(f.ns, dep, nil)
	f.create(d)
	d.Status = appsv1.DeploymentStatus{Replicas: 1, ReadyReplicas: 1}
	f.status(d)
	f.create(&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: svc}, Spec: corev1.ServiceSpec{
		Ports: []corev1.ServicePort{{Name: "http", Port: 8080}}, Selector: map[string]string{"app.kubernetes.io/instance": dep}}})
	ready := true
	f.create(&discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Name: svc + "-abc", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4, Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.1.0.5"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}}})
}

// healthyVirtual creates group g (Ready), backend MCPServer "backend", and
// VirtualMCPServer "vm" with a fresh discovered backend, Deployment and endpoints.
func (f *fixture) healthyVirtual() *v1alpha1.VirtualMCPServer {
	g := &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: "g"}}
	f.create(g)
	g.Status = v1alpha1.MCPGroupStatus{Phase: v1alpha1.PhaseReady, ObservedGeneration: g.Generation}
	f.status(g)
	f.healthyServer("backend", "g")
	v := &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: "vm"}, Spec: v1alpha1.VirtualMCPServerSpec{
		GroupRef: &v1alpha1.GroupRef{Name: "g"}, IncomingAuth: &v1alpha1.IncomingAuth{Type: v1alpha1.IncomingAuthAnonymous}}}
	f.create(v)
	f.setBackends(v, v1alpha1.BackendReady, time.Now())
	f.workload("vm", "vmcp-vm")
	return v
}

func (f *fixture) setBackends(v *v1alpha1.VirtualMCPServer, h v1alpha1.BackendHealth, checked time.Time) {
	f.t.Helper()
	must(f.t, cli.Get(context.Background(), client.ObjectKeyFromObject(v), v))
	v.Status = v1alpha1.VirtualMCPServerStatus{Phase: v1alpha1.PhaseReady, ObservedGeneration: v.Generation, BackendCount: 1,
		DiscoveredBackends: []v1alpha1.DiscoveredBackend{{Name: "backend", URL: "http://mcp-backend-proxy." + f.ns + ".svc:8080/mcp", Status: h, LastHealthCheck: &metav1.Time{Time: checked}}}}
	f.status(v)
}

func (f *fixture) run(name string) []doctor.Finding {
	f.t.Helper()
	d := &doctor.Doctor{Client: cli, Namespace: f.ns}
	fs, err := d.Run(context.Background(), name)
	must(f.t, err)
	return fs
}

// expect asserts a finding of sev whose check ends with suffix and whose message
// contains text.
func expect(t *testing.T, fs []doctor.Finding, sev doctor.Severity, suffix, text string) {
	t.Helper()
	for _, f := range fs {
		if f.Severity == sev && strings.HasSuffix(f.Check, suffix) && strings.Contains(f.Message, text) {
			if sev != doctor.OK && f.Fix == "" {
				t.Errorf("finding %q has no fix", f.Check)
			}
			return
		}
	}
	var b strings.Builder
	doctor.Print(&b, fs)
	t.Errorf("no %s finding %q containing %q; got:\n%s", sev, suffix, text, b.String())
}

func expectHealthy(t *testing.T, fs []doctor.Finding) {
	t.Helper()
	if doctor.Problems(fs) {
		var b strings.Builder
		doctor.Print(&b, fs)
		t.Fatalf("healthy fixture has problems:\n%s", b.String())
	}
}

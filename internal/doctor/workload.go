package doctor

import (
	"context"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// checkConditions reports False conditions (and a True Deprecated) with their message.
func (d *Doctor) checkConditions(check string, gen int64, observed int64, conds []metav1.Condition) {
	if observed != 0 && observed < gen {
		d.warn(check+" status", "wait for the operator, or check its logs", "status describes generation %d, the object is at %d", observed, gen)
	}
	for _, c := range conds {
		switch {
		case c.Type == v1alpha1.ConditionDeprecated && c.Status == metav1.ConditionTrue:
			d.warn(check+" "+c.Type, "rewrite the manifest in the current form: kubectl mcp convert -f FILE", "%s", c.Message)
		case c.Type == v1alpha1.ConditionStdioReplicaCapped && c.Status == metav1.ConditionTrue:
			d.warn(check+" "+c.Type, "a stdio server has one process: set backendReplicas: 1, or use an HTTP transport to scale", "%s", c.Message)
		case c.Status == metav1.ConditionFalse && c.Type != v1alpha1.ConditionDeprecated && c.Type != v1alpha1.ConditionStdioReplicaCapped:
			d.problem(check+" "+c.Type, "fix what the message names; kubectl describe shows the events", "%s: %s", c.Reason, c.Message)
		}
	}
}

// checkDeployment: the Deployment exists and has ready replicas.
func (d *Doctor) checkDeployment(ctx context.Context, check, name string) error {
	var dep appsv1.Deployment
	err := d.Client.Get(ctx, client.ObjectKey{Namespace: d.Namespace, Name: name}, &dep)
	switch {
	case isNotFound(err):
		d.problem(check+" Deployment", "check the resource's conditions and the operator logs: the operator creates it", "Deployment %s does not exist", name)
		return nil
	case err != nil:
		return fmt.Errorf("reading Deployment %s: %w", name, err)
	}
	want := int32(1)
	if dep.Spec.Replicas != nil {
		want = *dep.Spec.Replicas
	}
	if want > 0 && dep.Status.ReadyReplicas == 0 {
		d.problem(check+" Deployment", fmt.Sprintf("kubectl describe deployment %s -n %s; kubectl logs -n %s deploy/%s", name, d.Namespace, d.Namespace, name),
			"Deployment %s has 0 of %d replicas ready", name, want)
		return nil
	}
	d.ok(check+" Deployment", "Deployment %s has %d of %d replicas ready", name, dep.Status.ReadyReplicas, want)
	return nil
}

// checkEndpoints: the Service exists and has at least one ready endpoint.
func (d *Doctor) checkEndpoints(ctx context.Context, check, svc string) error {
	var s corev1.Service
	err := d.Client.Get(ctx, client.ObjectKey{Namespace: d.Namespace, Name: svc}, &s)
	switch {
	case isNotFound(err):
		d.problem(check+" Service", "check the resource's conditions and the operator logs: the operator creates it", "Service %s does not exist", svc)
		return nil
	case err != nil:
		return fmt.Errorf("reading Service %s: %w", svc, err)
	}
	var slices discoveryv1.EndpointSliceList
	if err := d.Client.List(ctx, &slices, client.InNamespace(d.Namespace), client.MatchingLabels{discoveryv1.LabelServiceName: svc}); err != nil {
		return fmt.Errorf("listing EndpointSlices of %s: %w", svc, err)
	}
	ready := 0
	for _, sl := range slices.Items {
		for _, e := range sl.Endpoints {
			if e.Conditions.Ready == nil || *e.Conditions.Ready {
				ready += len(e.Addresses)
			}
		}
	}
	if ready == 0 {
		d.problem(check+" endpoints", fmt.Sprintf("no ready pod behind the Service: kubectl get pods -l app.kubernetes.io/instance=%s -n %s", strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(svc, "vmcp-"), "mcp-"), "-proxy"), d.Namespace),
			"Service %s has no ready endpoints", svc)
		return nil
	}
	d.ok(check+" endpoints", "Service %s has %d ready endpoint(s)", svc, ready)
	return nil
}

// checkEvents reports Warning events about the object within the window.
func (d *Doctor) checkEvents(ctx context.Context, check, kind, name string) error {
	var evs corev1.EventList
	if err := d.Client.List(ctx, &evs, client.InNamespace(d.Namespace)); err != nil {
		return fmt.Errorf("listing events: %w", err)
	}
	window := d.EventWindow
	if window == 0 {
		window = 3600e9
	}
	since := d.now().Add(-window)
	for _, e := range evs.Items {
		if e.Type != corev1.EventTypeWarning || e.InvolvedObject.Kind != kind || e.InvolvedObject.Name != name {
			continue
		}
		last := e.LastTimestamp.Time
		if e.EventTime.Time.After(last) {
			last = e.EventTime.Time
		}
		if last.IsZero() {
			last = e.CreationTimestamp.Time
		}
		if last.Before(since) {
			continue
		}
		d.problem(check+" events", fmt.Sprintf("kubectl describe %s %s -n %s", strings.ToLower(kind), name, d.Namespace), "Warning %s: %s", e.Reason, e.Message)
	}
	return nil
}

// checkPods reports image pull errors, crash loops and unready pods of an instance.
func (d *Doctor) checkPods(ctx context.Context, check, instance string) error {
	var pods corev1.PodList
	if err := d.Client.List(ctx, &pods, client.InNamespace(d.Namespace), client.MatchingLabels{"app.kubernetes.io/instance": instance}); err != nil {
		return fmt.Errorf("listing pods of %s: %w", instance, err)
	}
	if len(pods.Items) == 0 {
		d.problem(check+" pods", "check the resource's conditions and the operator logs", "no pod with app.kubernetes.io/instance=%s", instance)
		return nil
	}
	for _, p := range pods.Items {
		for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
			w := cs.State.Waiting
			if w == nil {
				continue
			}
			switch w.Reason {
			case "ErrImagePull", "ImagePullBackOff", "InvalidImageName":
				d.problem(check+" pods", "check spec.image (name, tag, registry) and the pod's imagePullSecrets",
					"pod %s container %s cannot pull its image: %s %s", p.Name, cs.Name, w.Reason, w.Message)
			case "CrashLoopBackOff", "CreateContainerConfigError":
				d.problem(check+" pods", fmt.Sprintf("kubectl logs %s -c %s -n %s --previous", p.Name, cs.Name, d.Namespace),
					"pod %s container %s: %s %s", p.Name, cs.Name, w.Reason, w.Message)
			}
		}
		if p.Status.Phase == corev1.PodPending || p.Status.Phase == corev1.PodFailed {
			d.problem(check+" pods", fmt.Sprintf("kubectl describe pod %s -n %s", p.Name, d.Namespace), "pod %s is %s", p.Name, p.Status.Phase)
		}
	}
	return nil
}

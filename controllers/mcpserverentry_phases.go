package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// Every entry check records its own condition and lets the next one run, so the status
// lists every problem at once; the phase says Failed if any failed.

// The CA bundle ConfigMap and header Secrets are not watched (watching Secrets needs
// list/watch on every Secret of the namespace), so while one is missing the entry is
// checked again every Options.ReferenceRecheckInterval: a user who creates it sees the
// entry turn Valid without touching the entry.

func (r *MCPServerEntryReconciler) normalize(_ context.Context, s *entryScope) (ctrl.Result, error) {
	spec, warnings := s.entry.Normalize()
	s.spec = spec
	if setDeprecatedCondition(&s.entry.Status.Conditions, warnings, s.entry.Generation) && len(warnings) > 0 {
		r.Recorder.Event(s.entry, corev1.EventTypeWarning, "Deprecated", joinSentences(warnings))
	}
	return ctrl.Result{}, nil
}

func (r *MCPServerEntryReconciler) checkURL(ctx context.Context, s *entryScope) (ctrl.Result, error) {
	err := r.Options.checkURL(ctx, s.spec.RemoteURL, s.spec.AllowPrivateEndpoint)
	setRemoteURLCondition(&s.entry.Status.Conditions, s.spec.RemoteURL, err, s.entry.Generation)
	return ctrl.Result{}, nil
}

func (r *MCPServerEntryReconciler) checkGroup(ctx context.Context, s *entryScope) (ctrl.Result, error) {
	found, err := groupExists(ctx, r.Client, s.entry.Namespace, s.entry.GroupName())
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("check MCPGroup %q: %w", s.entry.GroupName(), err)
	}
	ref := s.spec.GroupRef
	if ref == nil {
		// groupRef is required for entries; the schema normally refuses this.
		ref = &v1alpha1.GroupRef{}
	}
	setGroupRefCondition(&s.entry.Status.Conditions, ref, found, s.entry.Generation)
	return ctrl.Result{}, nil
}

func (r *MCPServerEntryReconciler) checkAuth(ctx context.Context, s *entryScope) (ctrl.Result, error) {
	name := refName(s.spec.ExternalAuthConfigRef)
	ea, err := getExternalAuth(ctx, r.Client, s.entry.Namespace, name)
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("get MCPExternalAuthConfig %q: %w", name, err)
	}
	setRefCondition(&s.entry.Status.Conditions, refCheck{conditionType: v1alpha1.ConditionExternalAuthConfigValidated,
		kind: "MCPExternalAuthConfig", field: "spec.externalAuthConfigRef", name: name, found: ea != nil}, s.entry.Generation)
	return ctrl.Result{}, nil
}

func (r *MCPServerEntryReconciler) checkCABundle(ctx context.Context, s *entryScope) (ctrl.Result, error) {
	ref := s.spec.CABundleRef
	if ref == nil {
		setCABundleCondition(&s.entry.Status.Conditions, "", "", nil, s.entry.Generation)
		return ctrl.Result{}, nil
	}
	key := ref.ConfigMapRef.Key
	if key == "" {
		key = v1alpha1.DefaultCABundleKey
	}
	cm := &corev1.ConfigMap{}
	err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: s.entry.Namespace, Name: ref.ConfigMapRef.Name}, cm)
	if err != nil && !apierrors.IsNotFound(err) {
		return ctrl.Result{}, fmt.Errorf("get ConfigMap %s: %w", ref.ConfigMapRef.Name, err)
	}
	if err != nil {
		cm = nil
	}
	setCABundleCondition(&s.entry.Status.Conditions, ref.ConfigMapRef.Name, key, cm, s.entry.Generation)
	return r.Options.recheckAfter(cm == nil || (cm.Data[key] == "" && len(cm.BinaryData[key]) == 0)), nil
}

func (r *MCPServerEntryReconciler) checkHeaderSecrets(ctx context.Context, s *entryScope) (ctrl.Result, error) {
	var missing []string
	if hf := s.spec.HeaderForward; hf != nil {
		for _, h := range hf.AddHeadersFromSecret {
			problem, err := secretKeyProblem(ctx, r.Client, s.entry.Namespace, h.ValueSecretRef)
			if err != nil {
				return ctrl.Result{}, fmt.Errorf("check header secret of %s: %w", h.HeaderName, err)
			}
			if problem != "" {
				missing = append(missing, fmt.Sprintf("header %s: %s", h.HeaderName, problem))
			}
		}
	}
	setEntryValidCondition(&s.entry.Status.Conditions, missing, s.entry.Generation)
	return r.Options.recheckAfter(len(missing) > 0), nil
}

// secretKeyProblem says what is wrong with a Secret key reference, or "" when the Secret
// exists and has the key. Secrets are read straight from the API (never cached).
func secretKeyProblem(ctx context.Context, c client.Reader, ns string, ref v1alpha1.SecretKeyRef) (string, error) {
	sec := &corev1.Secret{}
	err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: ref.Name}, sec)
	switch {
	case apierrors.IsNotFound(err):
		return fmt.Sprintf("Secret %q not found; create it", ref.Name), nil
	case err != nil:
		return "", err
	}
	if _, ok := sec.Data[ref.Key]; !ok {
		return fmt.Sprintf("Secret %q has no key %q", ref.Name, ref.Key), nil
	}
	return "", nil
}

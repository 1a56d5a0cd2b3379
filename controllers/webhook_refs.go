package controllers

import (
	"context"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/webhook"
)

const (
	// IndexWebhookConfigRef indexes MCPServers by the MCPWebhookConfig their
	// webhookConfigRef names.
	IndexWebhookConfigRef = "spec.webhookConfigRef.name"
	// conditionWebhookConfigRefValidated says whether webhookConfigRef resolves.
	conditionWebhookConfigRefValidated = "WebhookConfigRefValidated"
)

// webhookIndexes are the field indexes of webhookConfigRef.
func webhookIndexes() []index {
	return []index{{&v1alpha1.MCPServer{}, IndexWebhookConfigRef, func(o client.Object) []string {
		return values(refName(o.(*v1alpha1.MCPServer).Spec.WebhookConfigRef))
	}}}
}

// resolvedWebhooks is what a webhookConfigRef resolved to.
type resolvedWebhooks struct {
	spec *v1alpha1.MCPWebhookConfigSpec
	hash string
}

// resolveWebhooks reads the MCPWebhookConfig ref names and sets the
// WebhookConfigRefValidated condition; ok is false when it is missing.
func resolveWebhooks(ctx context.Context, r client.Reader, obj metav1.Object, ref *v1alpha1.LocalObjectReference, conds *[]metav1.Condition) (resolvedWebhooks, bool, error) {
	var out resolvedWebhooks
	name := refName(ref)
	wc := &v1alpha1.MCPWebhookConfig{}
	found := false
	if name != "" {
		var err error
		if found, err = getOptional(ctx, r, obj.GetNamespace(), name, wc); err != nil {
			return out, false, fmt.Errorf("resolve webhookConfigRef %q: %w", name, err)
		}
	}
	ok := setRefCondition(conds, refCheck{conditionType: conditionWebhookConfigRefValidated, kind: "MCPWebhookConfig",
		field: "spec.webhookConfigRef", name: name, found: found}, obj.GetGeneration())
	if found {
		out.spec, out.hash = &wc.Spec, render.Hash(wc.Spec)
	}
	return out, ok, nil
}

// proxyWebhooks is the runconfig webhooks section of an MCPWebhookConfig and the env
// vars that carry its Secret-held keys (WEBHOOK_<M|V><n>_<HMAC|CA|CERT|KEY>).
func proxyWebhooks(spec *v1alpha1.MCPWebhookConfigSpec) (*webhook.Config, []corev1.EnvVar) {
	if spec == nil || len(spec.Mutating)+len(spec.Validating) == 0 {
		return nil, nil
	}
	var env []corev1.EnvVar
	secretEnv := func(name string, ref *v1alpha1.SecretKeyRef) string {
		if ref == nil {
			return ""
		}
		env = append(env, corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: ref.Name}, Key: ref.Key}}})
		return name
	}
	hooks := func(kind string, in []v1alpha1.MCPWebhookConfigSpecMutating) []webhook.Hook {
		var out []webhook.Hook
		for i, w := range in {
			p := "WEBHOOK_" + kind + strconv.Itoa(i) + "_"
			h := webhook.Hook{Name: w.Name, URL: w.URL, Timeout: w.Timeout, FailurePolicy: w.FailurePolicy,
				HMACSecretEnv: secretEnv(p+"HMAC", w.HMACSecretRef)}
			if t := w.TLSConfig; t != nil {
				h.CACertEnv = secretEnv(p+"CA", t.CASecretRef)
				h.ClientCertEnv = secretEnv(p+"CERT", t.ClientCertSecretRef)
				h.ClientKeyEnv = secretEnv(p+"KEY", t.ClientKeySecretRef)
				h.InsecureSkipVerify = boolValue(t.InsecureSkipVerify, false)
			}
			out = append(out, h)
		}
		return out
	}
	return &webhook.Config{Mutating: hooks("M", spec.Mutating), Validating: hooks("V", spec.Validating)}, env
}

// addProxyWebhooks puts the resolved webhooks into a proxy runner's rendered
// runconfig, its env and its config hash.
func addProxyWebhooks(runConfig *string, env *[]corev1.EnvVar, hash *string, w resolvedWebhooks) error {
	c, wenv := proxyWebhooks(w.spec)
	if c == nil {
		return nil
	}
	var rc runconfig.Config
	if err := yaml.Unmarshal([]byte(*runConfig), &rc); err != nil {
		return fmt.Errorf("runconfig: %w", err)
	}
	rc.Webhooks = c
	b, err := yaml.Marshal(rc)
	if err != nil {
		return fmt.Errorf("runconfig: %w", err)
	}
	*runConfig, *env = string(b), append(*env, wenv...)
	*hash = render.Hash([]string{*hash, w.hash, *runConfig})
	return nil
}

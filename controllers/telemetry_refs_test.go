package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/proxy/runconfig"
	"github.com/mcp-operator/mcp-operator/pkg/telemetry"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func otelSpec() *v1alpha1.MCPTelemetryConfigSpec {
	return &v1alpha1.MCPTelemetryConfigSpec{OpenTelemetry: &v1alpha1.MCPTelemetryConfigSpecOpenTelemetry{
		Enabled: ptr.To(true), Endpoint: "otel-collector:4318", Insecure: ptr.To(true),
		Headers: map[string]string{"x-tenant": "a"}, ResourceAttributes: map[string]string{"env": "prod"},
		SensitiveHeaders: []v1alpha1.MCPTelemetryConfigSpecOpenTelemetrySensitiveHeader{{Name: "x-api-key",
			SecretKeyRef: &v1alpha1.SecretKeyRef{Name: "otel", Key: "key"}}},
		Tracing: &v1alpha1.MCPTelemetryConfigSpecOpenTelemetryTracing{Enabled: ptr.To(true), SamplingRate: "0.5"},
		Metrics: &v1alpha1.MCPTelemetryConfigSpecOpenTelemetryMetrics{Enabled: ptr.To(false)},
	}, Prometheus: &v1alpha1.MCPTelemetryConfigSpecPrometheus{Enabled: ptr.To(true)}}
}

func TestProxyTelemetry(t *testing.T) {
	tests := map[string]struct {
		in      resolvedTelemetry
		want    *telemetry.Config
		wantEnv int
	}{
		"no reference": {in: resolvedTelemetry{serviceName: "s"}},
		"export off":   {in: resolvedTelemetry{serviceName: "s", spec: &v1alpha1.MCPTelemetryConfigSpec{OpenTelemetry: &v1alpha1.MCPTelemetryConfigSpecOpenTelemetry{Endpoint: "x:1"}}}},
		"full": {in: resolvedTelemetry{serviceName: "fetch", spec: otelSpec()}, wantEnv: 1, want: &telemetry.Config{
			Endpoint: "otel-collector:4318", Insecure: true, Headers: map[string]string{"x-tenant": "a"},
			HeadersFromEnv: map[string]string{"x-api-key": "OTEL_HEADER_0"}, ServiceName: "fetch",
			ResourceAttributes: map[string]string{"env": "prod"}, TracingEnabled: true, SamplingRate: "0.5",
			UseLegacyAttributes: true}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, env := proxyTelemetry(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(env) != tc.wantEnv {
				t.Errorf("env %v, want %d vars", env, tc.wantEnv)
			}
		})
	}
}

func TestVMCPTelemetry(t *testing.T) {
	got := vmcpTelemetry(resolvedTelemetry{serviceName: "gw", spec: otelSpec()})
	want := &config.Telemetry{ServiceName: "gw", Endpoint: "otel-collector:4318", Insecure: ptr.To(true),
		Headers: map[string]string{"x-tenant": "a"}, CustomAttributes: map[string]string{"env": "prod"},
		TracingEnabled: ptr.To(true), SamplingRate: "0.5", MetricsEnabled: ptr.To(false), EnablePrometheusMetricsPath: ptr.To(true)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	env := vmcpTelemetryEnv(resolvedTelemetry{serviceName: "gw", spec: otelSpec()})
	if len(env) != 2 || env[1].Name != telemetry.HeadersFromEnvVar || env[1].Value != "x-api-key=OTEL_HEADER_0" {
		t.Errorf("env %+v", env)
	}
	problems := wireTelemetry(&config.Config{Telemetry: &config.Telemetry{}}, new([]corev1.EnvVar), &v1alpha1.TelemetryConfigRef{Name: "t"}, resolvedTelemetry{spec: otelSpec()}, false)
	if len(problems) != 1 || !strings.Contains(problems[0], "only one") {
		t.Errorf("both telemetryConfigRef and spec.config.telemetry: problems %v", problems)
	}
}

// TestTelemetryConfigRefRendered: an MCPServer's telemetryConfigRef reaches its proxy's
// runconfig (endpoint, serviceName, Secret-held header as env), and a change to the
// MCPTelemetryConfig rolls the proxy pods; a missing one is reported.
func TestTelemetryConfigRefRendered(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	tc := &v1alpha1.MCPTelemetryConfig{ObjectMeta: metav1.ObjectMeta{Name: "otel", Namespace: ns}, Spec: *otelSpec()}
	server := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "traced", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/mcp:1", Transport: v1alpha1.TransportStdio,
			ProxySpec: v1alpha1.ProxySpec{TelemetryConfigRef: &v1alpha1.TelemetryConfigRef{Name: "otel", ServiceName: "traced-svc"}}}}
	for _, o := range []client.Object{tc, server} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	runconfig := func(want ...string) func() error {
		return func() error {
			cm := &corev1.ConfigMap{}
			if err := get(ns, "traced-runconfig", cm); err != nil {
				return err
			}
			for _, w := range want {
				if !strings.Contains(cm.Data["runconfig.yaml"], w) {
					return fmt.Errorf("runconfig lacks %q:\n%s", w, cm.Data["runconfig.yaml"])
				}
			}
			return nil
		}
	}
	eventually(t, "telemetry in the runconfig", runconfig("endpoint: otel-collector:4318", "serviceName: traced-svc", "samplingRate: \"0.5\"", "x-api-key: OTEL_HEADER_0"))
	eventually(t, "sensitive header env from the Secret", func() error {
		d := &appsv1.Deployment{}
		if err := get(ns, "traced", d); err != nil {
			return err
		}
		for _, e := range d.Spec.Template.Spec.Containers[0].Env {
			if e.Name == "OTEL_HEADER_0" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name == "otel" {
				return nil
			}
		}
		return fmt.Errorf("proxy env %+v lacks OTEL_HEADER_0 from Secret otel", d.Spec.Template.Spec.Containers[0].Env)
	})
	eventually(t, "status.telemetryConfigHash and no Unsupported", func() error {
		s := &v1alpha1.MCPServer{}
		if err := get(ns, server.Name, s); err != nil {
			return err
		}
		if s.Status.TelemetryConfigHash == "" || !conditions.IsTrue(s.Status.Conditions, conditionTelemetryConfigRefValidated) {
			return fmt.Errorf("status %+v", s.Status)
		}
		if c := conditions.Get(s.Status.Conditions, v1alpha1.ConditionUnsupported); c != nil {
			return fmt.Errorf("telemetryConfigRef still reported: %+v", c)
		}
		return nil
	})
	before := podHash(t, ns, server.Name)
	patch := &v1alpha1.MCPTelemetryConfig{}
	if err := get(ns, tc.Name, patch); err != nil {
		t.Fatal(err)
	}
	orig := patch.DeepCopy()
	patch.Spec.OpenTelemetry.Endpoint = "otel-collector-2:4318"
	if err := k8s.Patch(ctx, patch, client.MergeFrom(orig)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "new endpoint in the runconfig", runconfig("endpoint: otel-collector-2:4318"))
	eventually(t, "proxy pods roll", func() error {
		if h := podHash(t, ns, server.Name); h == before || h == "" {
			return fmt.Errorf("pod template hash unchanged (%s)", h)
		}
		return nil
	})
	patchServer(t, ns, server.Name, func(s *v1alpha1.MCPServer) { s.Spec.TelemetryConfigRef.Name = "nobody" })
	eventually(t, "missing MCPTelemetryConfig reported", func() error {
		s := &v1alpha1.MCPServer{}
		if err := get(ns, server.Name, s); err != nil {
			return err
		}
		c := conditions.Get(s.Status.Conditions, conditionTelemetryConfigRefValidated)
		if c == nil || c.Status != metav1.ConditionFalse || !strings.Contains(c.Message, `"nobody" not found`) {
			return fmt.Errorf("condition %+v", c)
		}
		return nil
	})
}

// TestWebhookConfigRefRendered: an MCPServer's webhookConfigRef reaches its proxy's
// runconfig, with the HMAC and CA keys as env from their Secrets.
func TestWebhookConfigRefRendered(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "upstream"
	wc := &v1alpha1.MCPWebhookConfig{ObjectMeta: metav1.ObjectMeta{Name: "hooks", Namespace: ns},
		Spec: v1alpha1.MCPWebhookConfigSpec{Validating: []v1alpha1.MCPWebhookConfigSpecMutating{{
			Name: "policy", URL: "https://policy.example.com/review", Timeout: "3s", FailurePolicy: "ignore",
			HMACSecretRef: &v1alpha1.SecretKeyRef{Name: "hook-keys", Key: "hmac"},
			TLSConfig:     &v1alpha1.MCPWebhookConfigSpecMutatingTLSConfig{CASecretRef: &v1alpha1.SecretKeyRef{Name: "hook-keys", Key: "ca.crt"}}}}}}
	server := &v1alpha1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "hooked", Namespace: ns},
		Spec: v1alpha1.MCPServerSpec{Image: "ghcr.io/example/mcp:1", Transport: v1alpha1.TransportStdio,
			WebhookConfigRef: &v1alpha1.LocalObjectReference{Name: "hooks"}}}
	for _, o := range []client.Object{wc, server} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "webhooks in the runconfig and the keys as Secret env", func() error {
		cm := &corev1.ConfigMap{}
		if err := get(ns, "hooked-runconfig", cm); err != nil {
			return err
		}
		for _, w := range []string{"url: https://policy.example.com/review", "failurePolicy: ignore", "timeout: 3s", "hmacSecretEnv: WEBHOOK_V0_HMAC", "caCertEnv: WEBHOOK_V0_CA"} {
			if !strings.Contains(cm.Data["runconfig.yaml"], w) {
				return fmt.Errorf("runconfig lacks %q:\n%s", w, cm.Data["runconfig.yaml"])
			}
		}
		d := &appsv1.Deployment{}
		if err := get(ns, "hooked", d); err != nil {
			return err
		}
		found := 0
		for _, e := range d.Spec.Template.Spec.Containers[0].Env {
			if (e.Name == "WEBHOOK_V0_HMAC" || e.Name == "WEBHOOK_V0_CA") && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef.Name == "hook-keys" {
				found++
			}
		}
		if found != 2 {
			return fmt.Errorf("proxy env %+v lacks the webhook Secret keys", d.Spec.Template.Spec.Containers[0].Env)
		}
		return nil
	})
}

// TestVMCPImagePullSecrets: spec.imagePullSecrets reach the vmcp chart values.
func TestVMCPImagePullSecrets(t *testing.T) {
	v := &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: "ns"},
		Spec: v1alpha1.VirtualMCPServerSpec{ImagePullSecrets: []v1alpha1.ProxyResourceOverridesProxyDeploymentImagePullSecret{{Name: "regcred"}}}}
	vals, err := buildVMCPValues(v, v.Spec, &config.Config{}, nil, nil, &Options{VMCPImage: "vmcp:t"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corev1.LocalObjectReference{{Name: "regcred"}}, vals.ImagePullSecrets); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestAddProxyTelemetryCABundleAndPrometheus: a referenced MCPTelemetryConfig with
// caBundleRef mounts that ConfigMap key where the runconfig's caCertPath points, and its
// prometheus.enabled decides whether the runner serves /metrics.
func TestAddProxyTelemetryCABundleAndPrometheus(t *testing.T) {
	withCA := otelSpec()
	withCA.OpenTelemetry.CABundleRef = &v1alpha1.EmbeddedAuthServerConfigTrustedIssuerCABundleRef{
		ConfigMapRef: &v1alpha1.EmbeddedAuthServerConfigTrustedIssuerCABundleRefConfigMapRef{Name: "otel-ca", Key: "bundle.pem"}}
	noProm := otelSpec()
	noProm.Prometheus = nil
	tests := map[string]struct {
		spec     *v1alpha1.MCPTelemetryConfigSpec
		wantCA   string
		wantProm *bool
	}{
		"no reference":        {},
		"ca bundle":           {spec: withCA, wantCA: "otel-ca/bundle.pem", wantProm: ptr.To(true)},
		"prometheus unset":    {spec: noProm, wantProm: ptr.To(false)},
		"prometheus disabled": {spec: &v1alpha1.MCPTelemetryConfigSpec{Prometheus: &v1alpha1.MCPTelemetryConfigSpecPrometheus{Enabled: ptr.To(false)}}, wantProm: ptr.To(false)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rc, env, hash := "name: s\ntransport: stdio\nproxyPort: 8080\n", []corev1.EnvVar{}, "h"
			ca, err := addProxyTelemetry(&rc, &env, &hash, resolvedTelemetry{spec: tc.spec, serviceName: "s"})
			if err != nil {
				t.Fatal(err)
			}
			var got runconfig.Config
			if err := yaml.Unmarshal([]byte(rc), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantProm, got.Prometheus); diff != "" {
				t.Errorf("prometheus (-want +got):\n%s", diff)
			}
			gotCA := ""
			if ca != nil {
				gotCA = ca.ConfigMap + "/" + ca.Key
				if want := ca.MountDir + "/" + ca.File; got.Telemetry == nil || got.Telemetry.CACertPath != want {
					t.Errorf("runconfig telemetry %+v, want caCertPath %s", got.Telemetry, want)
				}
			}
			if gotCA != tc.wantCA {
				t.Errorf("mounted CA %q, want %q", gotCA, tc.wantCA)
			}
		})
	}
}

package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
)

func TestMCPServerEntryValidation(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "entries"
	if err := k8s.Create(ctx, &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: "g", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "ca", Namespace: ns}, Data: map[string]string{"ca.crt": "PEM"}}); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		url        string
		private    bool
		group      string
		caBundle   string
		secret     string
		wantPhase  v1alpha1.Phase
		wantInText string
	}{
		"public":             {url: "https://mcp.example.com/mcp", group: "g", caBundle: "ca", wantPhase: v1alpha1.PhaseValid},
		"metadata":           {url: "http://169.254.169.254/latest", group: "g", wantPhase: v1alpha1.PhaseFailed, wantInText: "cloud metadata"},
		"gcp metadata":       {url: "http://metadata.google.internal/", group: "g", private: true, wantPhase: v1alpha1.PhaseFailed, wantInText: "always refused"},
		"loopback":           {url: "http://127.0.0.1:9000/mcp", group: "g", wantPhase: v1alpha1.PhaseFailed, wantInText: "loopback"},
		"link-local":         {url: "http://169.254.10.10/mcp", group: "g", wantPhase: v1alpha1.PhaseFailed, wantInText: "link-local"},
		"private needs flag": {url: "http://10.0.0.5/mcp", group: "g", wantPhase: v1alpha1.PhaseFailed, wantInText: "allowPrivateEndpoint"},
		"private allowed":    {url: "http://mcp.team.svc.cluster.local/mcp", group: "g", private: true, wantPhase: v1alpha1.PhaseValid},
		"missing group":      {url: "https://mcp.example.com/mcp", group: "nope", wantPhase: v1alpha1.PhaseFailed, wantInText: `MCPGroup "nope" not found`},
		"missing ca":         {url: "https://mcp.example.com/mcp", group: "g", caBundle: "nope", wantPhase: v1alpha1.PhaseFailed, wantInText: `ConfigMap "nope"`},
		// issue 10 items 2 and 3: Unicode hosts as the HTTP client maps them, NAT64, and
		// names resolved (by the suite's testResolver) to refused addresses.
		"fullwidth loopback":       {url: "http://１２７.０.０.１:18102/mcp", group: "g", wantPhase: v1alpha1.PhaseFailed, wantInText: "loopback"},
		"fullwidth metadata":       {url: "http://１６９.２５４.１６９.２５４/", group: "g", wantPhase: v1alpha1.PhaseFailed, wantInText: "metadata"},
		"ideographic stop private": {url: "http://169。254。169。254/", group: "g", private: true, wantPhase: v1alpha1.PhaseFailed, wantInText: "metadata"},
		"nat64 metadata":           {url: "http://[64:ff9b::a9fe:a9fe]/", group: "g", private: true, wantPhase: v1alpha1.PhaseFailed, wantInText: "169.254.169.254"},
		"name resolves loopback":   {url: "https://loop.resolver.test/mcp", group: "g", private: true, wantPhase: v1alpha1.PhaseFailed, wantInText: "resolves to 127.0.0.1"},
		"missing header secret":    {url: "https://mcp.example.com/mcp", group: "g", secret: "nope", wantPhase: v1alpha1.PhaseFailed, wantInText: `Secret "nope" not found`},
	}
	i := 0
	for name, tc := range tests {
		i++
		entryName := fmt.Sprintf("e%d", i)
		t.Run(name, func(t *testing.T) {
			e := &v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: entryName, Namespace: ns},
				Spec: v1alpha1.MCPServerEntrySpec{RemoteURL: tc.url, Transport: v1alpha1.RemoteTransportStreamableHTTP,
					GroupRef: &v1alpha1.GroupRef{Name: tc.group}, AllowPrivateEndpoint: tc.private}}
			if tc.caBundle != "" {
				e.Spec.CABundleRef = &v1alpha1.CABundleRef{ConfigMapRef: v1alpha1.CABundleConfigMapRef{ConfigMapKeyRef: v1alpha1.ConfigMapKeyRef{Name: tc.caBundle}}}
			}
			if tc.secret != "" {
				e.Spec.HeaderForward = &v1alpha1.HeaderForward{AddHeadersFromSecret: []v1alpha1.HeaderFromSecret{
					{HeaderName: "X-Api-Key", ValueSecretRef: v1alpha1.SecretKeyRef{Name: tc.secret, Key: "k"}}}}
			}
			if err := k8s.Create(ctx, e); err != nil {
				t.Fatal(err)
			}
			eventually(t, "phase", func() error {
				got := &v1alpha1.MCPServerEntry{}
				if err := get(ns, entryName, got); err != nil {
					return err
				}
				valid := conditions.Get(got.Status.Conditions, v1alpha1.ConditionValid)
				if got.Status.Phase != tc.wantPhase || valid == nil || !strings.Contains(valid.Message, tc.wantInText) {
					return errorf("phase %s, Valid %+v", got.Status.Phase, valid)
				}
				if tc.wantPhase == v1alpha1.PhaseValid {
					if got.Status.Message != "" {
						return errorf("a valid entry has message %q", got.Status.Message)
					}
					return nil
				}
				// A failure says what to fix in status.message and in a Warning event.
				if !strings.Contains(got.Status.Message, tc.wantInText) {
					return errorf("status.message %q lacks %q", got.Status.Message, tc.wantInText)
				}
				events := &corev1.EventList{}
				if err := k8s.List(ctx, events, client.InNamespace(ns)); err != nil {
					return err
				}
				for _, ev := range events.Items {
					if ev.InvolvedObject.Name == entryName && ev.Type == corev1.EventTypeWarning &&
						ev.Reason == v1alpha1.ReasonInvalid && strings.Contains(ev.Message, tc.wantInText) {
						return nil
					}
				}
				return errorf("no Warning event %s mentioning %q", v1alpha1.ReasonInvalid, tc.wantInText)
			})
		})
	}
}

// TestMCPServerEntryRecoversWhenReferencesAppear: Secrets and ConfigMaps are not
// watched, so an entry waiting for them is re-checked on a timer; creating the missing
// objects (without touching the entry) must turn it Valid.
func TestMCPServerEntryRecoversWhenReferencesAppear(t *testing.T) {
	requireEnv(t)
	ctx, ns := context.Background(), "entries"
	if err := k8s.Create(ctx, &v1alpha1.MCPGroup{ObjectMeta: metav1.ObjectMeta{Name: "later-refs", Namespace: ns}}); err != nil {
		t.Fatal(err)
	}
	e := &v1alpha1.MCPServerEntry{ObjectMeta: metav1.ObjectMeta{Name: "waits-for-refs", Namespace: ns},
		Spec: v1alpha1.MCPServerEntrySpec{RemoteURL: "https://mcp.example.com/mcp", Transport: v1alpha1.RemoteTransportStreamableHTTP,
			GroupRef:    &v1alpha1.GroupRef{Name: "later-refs"},
			CABundleRef: &v1alpha1.CABundleRef{ConfigMapRef: v1alpha1.CABundleConfigMapRef{ConfigMapKeyRef: v1alpha1.ConfigMapKeyRef{Name: "later-ca"}}},
			HeaderForward: &v1alpha1.HeaderForward{AddHeadersFromSecret: []v1alpha1.HeaderFromSecret{
				{HeaderName: "X-Api-Key", ValueSecretRef: v1alpha1.SecretKeyRef{Name: "later-key", Key: "k"}}}}}}
	if err := k8s.Create(ctx, e); err != nil {
		t.Fatal(err)
	}
	phaseIs := func(want v1alpha1.Phase, text string) func() error {
		return func() error {
			got := &v1alpha1.MCPServerEntry{}
			if err := get(ns, e.Name, got); err != nil {
				return err
			}
			if got.Status.Phase != want || !strings.Contains(got.Status.Message, text) {
				return errorf("phase %s message %q", got.Status.Phase, got.Status.Message)
			}
			return nil
		}
	}
	eventually(t, "failed while references are missing", phaseIs(v1alpha1.PhaseFailed, `Secret "later-key" not found`))
	if err := k8s.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "later-ca", Namespace: ns}, Data: map[string]string{"ca.crt": "PEM"}}); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "later-key", Namespace: ns}, Data: map[string][]byte{"k": []byte("v")}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "valid once they exist", phaseIs(v1alpha1.PhaseValid, ""))
}

package controllers

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/conditions"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

func TestSessionStorageConfig(t *testing.T) {
	written := &config.SessionStorage{Provider: config.SessionStorageRedis, Address: "w:6379"}
	pw := corev1.EnvVar{Name: config.SessionRedisPasswordEnv, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}
	tests := map[string]struct {
		spec    *v1alpha1.SessionStorage
		want    *config.SessionStorage
		wantEnv []corev1.EnvVar
	}{
		"absent keeps the config form": {want: written},
		"memory":                       {spec: &v1alpha1.SessionStorage{Provider: config.SessionStorageMemory}, want: &config.SessionStorage{Provider: config.SessionStorageMemory}},
		"redis, default prefix": {
			spec: &v1alpha1.SessionStorage{Provider: config.SessionStorageRedis, Address: "r:6379", DB: 1, PasswordRef: &v1alpha1.SecretKeyRef{Name: "s", Key: "k"}},
			want: &config.SessionStorage{Provider: config.SessionStorageRedis, Address: "r:6379", DB: 1, KeyPrefix: "vmcp:v:"}, wantEnv: []corev1.EnvVar{pw},
		},
		"redis, own prefix and TLS without CA": {
			spec: &v1alpha1.SessionStorage{Provider: config.SessionStorageRedis, Address: "r:6379", KeyPrefix: "p:", TLS: &v1alpha1.SessionStorageTLS{InsecureSkipVerify: true}},
			want: &config.SessionStorage{Provider: config.SessionStorageRedis, Address: "r:6379", KeyPrefix: "p:", TLS: &config.SessionStorageTLS{InsecureSkipVerify: true}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			w := written
			if tc.spec != nil {
				w = nil // the schema forbids both
			}
			got, env := sessionStorageConfig("v", tc.spec, w)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("config (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantEnv, env); d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
			if ca := redisCAValues(tc.spec); ca.Secret != "" {
				t.Errorf("a CA volume without caCertSecretRef: %+v", ca)
			}
		})
	}
}

// TestVirtualMCPServerSessionStorageSecrets: a Redis password Secret that does
// not exist makes the VirtualMCPServer Failed with Valid False naming the field
// and the Secret, nothing is rendered; creating the Secret recovers it.
func TestVirtualMCPServerSessionStorageSecrets(t *testing.T) {
	requireEnv(t)
	ns := "vmcp-redis-secret"
	startVMCPManager(t, ns)
	createYAML(t, ns, `metadata: {name: g}`, &v1alpha1.MCPGroup{})
	createYAML(t, ns, `
metadata: {name: shared}
spec:
  groupRef: {name: g}
  incomingAuth: {type: anonymous}
  sessionStorage: {provider: redis, address: 'redis:6379', passwordRef: {name: redis-pw, key: password}}`, &v1alpha1.VirtualMCPServer{})
	waitVMCP(t, ns, "shared", "Failed on the missing Secret", phaseAnd(v1alpha1.PhaseFailed, v1alpha1.ConditionValid, metav1.ConditionFalse,
		`spec.sessionStorage.passwordRef: Secret "redis-pw" not found`))
	cm := &corev1.ConfigMap{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "shared-vmcp-config"}, cm); !apierrors.IsNotFound(err) {
		t.Errorf("the config was rendered with the Secret missing (get: %v)", err)
	}

	if err := k8s.Create(context.Background(), &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "redis-pw"},
		Data: map[string][]byte{"wrong-key": []byte("x")}}); err != nil {
		t.Fatal(err)
	}
	waitVMCP(t, ns, "shared", "Failed on the missing key", phaseAnd(v1alpha1.PhaseFailed, v1alpha1.ConditionValid, metav1.ConditionFalse,
		`Secret "redis-pw" has no key "password"`))
	sec := &corev1.Secret{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "redis-pw"}, sec); err != nil {
		t.Fatal(err)
	}
	sec.Data["password"] = []byte("s3cret")
	if err := k8s.Update(context.Background(), sec); err != nil {
		t.Fatal(err)
	}
	waitVMCP(t, ns, "shared", "Valid once the Secret has the key", func(v *v1alpha1.VirtualMCPServer) error {
		if c := conditions.Get(v.Status.Conditions, v1alpha1.ConditionValid); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Valid is %+v", c)
		}
		return nil
	})
}

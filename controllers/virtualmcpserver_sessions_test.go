package controllers

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
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

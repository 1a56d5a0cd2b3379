package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// redisCAMountPath is where the vmcp container finds sessionStorage.tls.caCertSecretRef.
const redisCAMountPath = "/etc/vmcp-redis-ca"

// sessionStorageConfig turns spec.sessionStorage into config.sessionStorage and
// the env var carrying the Redis password (a secretKeyRef: the password never
// reaches the ConfigMap). Without spec.sessionStorage, written (the config form)
// stays as it is; the schema forbids setting both. It is pure.
func sessionStorageConfig(name string, s *v1alpha1.SessionStorage, written *config.SessionStorage) (*config.SessionStorage, []corev1.EnvVar) {
	if s == nil {
		return written, nil
	}
	out := &config.SessionStorage{Provider: s.Provider}
	if !s.SharedSessions() {
		return out, nil
	}
	out.Address, out.DB, out.KeyPrefix = s.Address, s.DB, s.KeyPrefix
	if out.KeyPrefix == "" {
		out.KeyPrefix = "vmcp:" + name + ":"
	}
	if t := s.TLS; t != nil {
		out.TLS = &config.SessionStorageTLS{InsecureSkipVerify: t.InsecureSkipVerify}
		if t.CACertSecretRef != nil {
			out.TLS.CACertFile = redisCAMountPath + "/ca.crt"
		}
	}
	var env []corev1.EnvVar
	if p := s.PasswordRef; p != nil {
		env = append(env, corev1.EnvVar{Name: config.SessionRedisPasswordEnv, ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: p.Name}, Key: p.Key}}})
	}
	return out, env
}

// redisCAValues are the chart values mounting the Redis CA Secret, if any.
func redisCAValues(s *v1alpha1.SessionStorage) helmcharts.SecretFileValues {
	if !s.SharedSessions() || s.TLS == nil || s.TLS.CACertSecretRef == nil {
		return helmcharts.SecretFileValues{}
	}
	ref := s.TLS.CACertSecretRef
	return helmcharts.SecretFileValues{Secret: ref.Name, Key: ref.Key, MountPath: redisCAMountPath, File: "ca.crt"}
}

// sessionStorageSecretProblems says what is wrong with the Secrets
// spec.sessionStorage references (the Redis password, the CA bundle): the
// Deployment would otherwise render and its pods never start.
func sessionStorageSecretProblems(ctx context.Context, c client.Reader, ns string, s *v1alpha1.SessionStorage) ([]string, error) {
	if !s.SharedSessions() {
		return nil, nil
	}
	refs := map[string]*v1alpha1.SecretKeyRef{"spec.sessionStorage.passwordRef": s.PasswordRef}
	if s.TLS != nil {
		refs["spec.sessionStorage.tls.caCertSecretRef"] = s.TLS.CACertSecretRef
	}
	var problems []string
	for _, field := range []string{"spec.sessionStorage.passwordRef", "spec.sessionStorage.tls.caCertSecretRef"} {
		ref := refs[field]
		if ref == nil {
			continue
		}
		problem, err := secretKeyProblem(ctx, c, ns, *ref)
		if err != nil {
			return nil, err
		}
		if problem != "" {
			problems = append(problems, field+": "+problem)
		}
	}
	return problems, nil
}

// Package envvar builds the container env vars that carry secrets into operand pods:
// the value stays in its Secret (secretKeyRef) and the config file names the variable.
// Both the proxy runner's and vmcp's env vars are made here.
package envvar

import (
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// FromSecret is the env var name read from key of Secret secret.
func FromSecret(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}

var nonEnvChars = regexp.MustCompile(`[^A-Z0-9_]`)

// Name is prefix followed by s upper-cased with every character an env var name cannot
// hold replaced by "_" (a header or resource name becomes part of a variable name).
func Name(prefix, s string) string {
	return prefix + nonEnvChars.ReplaceAllString(strings.ToUpper(s), "_")
}

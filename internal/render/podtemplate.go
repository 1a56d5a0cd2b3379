package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
)

// MergePodTemplate strategic-merges patch (a user's podTemplateSpec as JSON) into the pod
// template at spec.template of a rendered workload. Containers merge by name, so a patch
// naming container "mcp" changes that container; fields the patch sets (securityContext,
// resources, …) win over the chart's defaults. An empty patch is a no-op.
func MergePodTemplate(obj *unstructured.Unstructured, patch []byte) error {
	if len(patch) == 0 || string(patch) == "null" || string(patch) == "{}" {
		return nil
	}
	tmpl, found, err := unstructured.NestedMap(obj.Object, "spec", "template")
	if err != nil || !found {
		return fmt.Errorf("%s %s has no spec.template to merge into", obj.GetKind(), obj.GetName())
	}
	base, err := json.Marshal(tmpl)
	if err != nil {
		return err
	}
	merged, err := strategicpatch.StrategicMergePatch(base, patch, corev1.PodTemplateSpec{})
	if err != nil {
		return fmt.Errorf("podTemplateSpec cannot be merged into the pod: %w", err)
	}
	// Strict decode into the typed template catches fields that are not pod fields.
	var typed corev1.PodTemplateSpec
	dec := json.NewDecoder(bytes.NewReader(merged))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&typed); err != nil {
		return fmt.Errorf("podTemplateSpec is not a valid pod template: %w", err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(merged, &out); err != nil {
		return err
	}
	return unstructured.SetNestedMap(obj.Object, out, "spec", "template")
}

// Hash returns a short stable hash of v's JSON encoding, for config-hash annotations.
func Hash(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		// Values are plain data; a marshal failure is a programming error worth surfacing.
		panic(fmt.Sprintf("render.Hash: %v", err))
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:16]
}

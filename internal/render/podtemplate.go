package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

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
	var baseTyped corev1.PodTemplateSpec
	if err := json.Unmarshal(base, &baseTyped); err != nil {
		return err
	}
	if err := checkMergedPod(baseTyped.Spec, typed.Spec); err != nil {
		return err
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

// checkMergedPod refuses what the merge would turn into a pod that cannot start or
// is not what the user meant: a container the patch names that the pod does not
// have and that has no image (a misspelt name: strategic merge adds it as a new,
// empty container), and resource requests above limits.
func checkMergedPod(base, merged corev1.PodSpec) error {
	have := map[string]bool{}
	var names []string
	for _, c := range base.Containers {
		have[c.Name] = true
		names = append(names, c.Name)
	}
	for _, c := range base.InitContainers {
		have[c.Name] = true
	}
	for field, cs := range map[string][]corev1.Container{"containers": merged.Containers, "initContainers": merged.InitContainers} {
		for _, c := range cs {
			if !have[c.Name] && c.Image == "" {
				return fmt.Errorf("podTemplateSpec.spec.%s: the pod has no container %q (its containers: %s); use one of these names to change it, or give an image to add a container",
					field, c.Name, strings.Join(names, ", "))
			}
			for res, req := range c.Resources.Requests {
				if lim, ok := c.Resources.Limits[res]; ok && req.Cmp(lim) > 0 {
					return fmt.Errorf("podTemplateSpec: container %q requests %s %s, above its limit %s; lower the request or raise the limit",
						c.Name, req.String(), res, lim.String())
				}
			}
		}
	}
	return nil
}

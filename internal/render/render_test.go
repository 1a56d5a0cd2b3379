package render

import (
	"strings"
	"testing"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestParseWatches(t *testing.T) {
	tests := map[string]struct {
		in      string
		wantErr string
		want    int
	}{
		"ok":            {in: "- group: g\n  version: v1\n  kind: K\n  chart: k\n  overrideValues:\n    image: $IMG\n  reconcilePeriod: 1m\n", want: 1},
		"missing chart": {in: "- group: g\n  version: v1\n  kind: K\n", wantErr: "chart are all required"},
		"duplicate":     {in: "- {group: g, version: v1, kind: K, chart: a}\n- {group: g, version: v2, kind: K, chart: b}\n", wantErr: "listed twice"},
		"not yaml":      {in: "{", wantErr: "watches file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ws, err := ParseWatches([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(ws) != tc.want {
				t.Fatalf("got %d watches, %v", len(ws), err)
			}
		})
	}
}

// testChart is a minimal chart in memory: one ConfigMap using values and an override.
var testChart = fstest.MapFS{
	"c/Chart.yaml":             {Data: []byte("apiVersion: v2\nname: c\nversion: 0.1.0\n")},
	"c/values.yaml":            {Data: []byte("greeting: hi\n")},
	"c/templates/_helpers.tpl": {Data: []byte(`{{- define "c.name" -}}{{ .Release.Name }}-cm{{- end -}}`)},
	"c/templates/cm.yaml": {Data: []byte(`apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "c.name" . }}
data:
  greeting: {{ .Values.greeting | quote }}
  image: {{ .Values.image.repository | quote }}
  kube: {{ .Capabilities.KubeVersion.Minor | quote }}
---
# empty document is dropped
`)},
}

func TestRenderTypedValuesAndOverrides(t *testing.T) {
	t.Setenv("RELATED_IMAGE", "registry/x:1")
	ws := []Watch{{Group: "g", Version: "v1", Kind: "K", Chart: "c", OverrideValues: map[string]string{"image.repository": "$RELATED_IMAGE"}}}
	r, err := NewRenderer(Options{Watches: ws, Charts: testChart})
	if err != nil {
		t.Fatal(err)
	}
	type values struct {
		Greeting string `json:"greeting"`
	}
	objs, err := r.Render(schema.GroupKind{Group: "g", Kind: "K"}, Release{Name: "r", Namespace: "ns"}, values{Greeting: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].GetName() != "r-cm" {
		t.Fatalf("objects: %v", objs)
	}
	data, _, _ := unstructured.NestedStringMap(objs[0].Object, "data")
	if data["greeting"] != "hello" || data["image"] != "registry/x:1" || data["kube"] != "34" {
		t.Fatalf("data = %v", data)
	}
	if _, err := r.Render(schema.GroupKind{Group: "g", Kind: "Other"}, Release{Name: "r"}, nil); err == nil {
		t.Fatal("rendering an unmapped kind succeeded")
	}
}

func u(obj map[string]any) *unstructured.Unstructured { return &unstructured.Unstructured{Object: obj} }

func TestContains(t *testing.T) {
	live := map[string]any{"metadata": map[string]any{"name": "a", "labels": map[string]any{"x": "1", "extra": "y"}},
		"spec": map[string]any{"replicas": int64(1), "ports": []any{map[string]any{"port": int64(80), "protocol": "TCP"}}}}
	tests := map[string]struct {
		want map[string]any
		ok   bool
	}{
		"subset":             {want: map[string]any{"metadata": map[string]any{"labels": map[string]any{"x": "1"}}}, ok: true},
		"int vs float":       {want: map[string]any{"spec": map[string]any{"replicas": float64(1)}}, ok: true},
		"changed value":      {want: map[string]any{"spec": map[string]any{"replicas": 2}}, ok: false},
		"missing field":      {want: map[string]any{"spec": map[string]any{"paused": true}}, ok: false},
		"empty matches none": {want: map[string]any{"spec": map[string]any{"egress": []any{}, "annotations": map[string]any{}}}, ok: true},
		"list element":       {want: map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": 80}}}}, ok: true},
		"list length":        {want: map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": 80}, map[string]any{"port": 81}}}}, ok: false},
		"kind ignored":       {want: map[string]any{"kind": "Other", "apiVersion": "v9"}, ok: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Contains(u(live), u(tc.want)); got != tc.ok {
				t.Fatalf("Contains = %v, want %v", got, tc.ok)
			}
		})
	}
}

func TestMergePodTemplate(t *testing.T) {
	base := func() *unstructured.Unstructured {
		return u(map[string]any{"kind": "StatefulSet", "metadata": map[string]any{"name": "s"}, "spec": map[string]any{"template": map[string]any{
			"spec": map[string]any{"containers": []any{map[string]any{"name": "mcp", "image": "img",
				"securityContext": map[string]any{"runAsNonRoot": true, "readOnlyRootFilesystem": true}}}}}}})
	}
	tests := map[string]struct {
		patch   string
		check   func(*unstructured.Unstructured) bool
		wantErr string
	}{
		"empty is a no-op": {patch: "", check: func(o *unstructured.Unstructured) bool { return Contains(o, base()) && Contains(base(), o) }},
		"container merged by name": {patch: `{"spec":{"containers":[{"name":"mcp","securityContext":{"runAsNonRoot":false}}],"nodeSelector":{"a":"b"}}}`,
			check: func(o *unstructured.Unstructured) bool {
				cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
				sc := cs[0].(map[string]any)["securityContext"].(map[string]any)
				ns, _, _ := unstructured.NestedStringMap(o.Object, "spec", "template", "spec", "nodeSelector")
				return len(cs) == 1 && sc["runAsNonRoot"] == false && sc["readOnlyRootFilesystem"] == true && ns["a"] == "b" && cs[0].(map[string]any)["image"] == "img"
			}},
		"unknown field": {patch: `{"spec":{"notAField":1}}`, wantErr: "not a valid pod template"},
		"unknown container name": {patch: `{"spec":{"containers":[{"name":"mpc","env":[{"name":"A","value":"1"}]}]}}`,
			wantErr: `the pod has no container "mpc" (its containers: mcp); use one of these names`},
		"sidecar with an image": {patch: `{"spec":{"containers":[{"name":"side","image":"busybox"}]}}`,
			check: func(o *unstructured.Unstructured) bool {
				cs, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
				return len(cs) == 2
			}},
		"request above limit": {patch: `{"spec":{"containers":[{"name":"mcp","resources":{"requests":{"memory":"2Gi"},"limits":{"memory":"1Gi"}}}]}}`,
			wantErr: `container "mcp" requests 2Gi memory, above its limit 1Gi`},
		"not json": {patch: `{`, wantErr: "cannot be merged"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			o := base()
			err := MergePodTemplate(o, []byte(tc.patch))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(o) {
				t.Fatalf("err %v, object %v", err, o.Object)
			}
		})
	}
}

// TestRenderConcurrent renders one chart from many goroutines (reconcile workers share a
// Renderer); run with -race.
func TestRenderConcurrent(t *testing.T) {
	r, err := NewRenderer(Options{Watches: []Watch{{Group: "g", Version: "v1", Kind: "K", Chart: "c", OverrideValues: map[string]string{"image.repository": "r"}}}, Charts: testChart})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func(i int) {
			objs, err := r.Render(schema.GroupKind{Group: "g", Kind: "K"}, Release{Name: strings.Repeat("x", i+1)}, map[string]any{"greeting": i})
			if err == nil && objs[0].GetName() != strings.Repeat("x", i+1)+"-cm" {
				err = errorString("wrong name " + objs[0].GetName())
			}
			errs <- err
		}(i)
	}
	for i := 0; i < 16; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

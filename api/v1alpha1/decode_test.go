package v1alpha1

import (
	"strings"
	"testing"

	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// TestListWithOutOfRangeIntegerDecodes (issue 10 item 1): one stored object with an
// integer beyond int32 no longer makes the whole list undecodable.
func TestListWithOutOfRangeIntegerDecodes(t *testing.T) {
	list := `{"apiVersion":"toolhive.stacklok.dev/v1alpha1","kind":"MCPServerList","items":[
	 {"metadata":{"name":"bad"},"spec":{"image":"x","backendReplicas":2147483648,"proxyPort":1.5,"replicas":2}},
	 {"metadata":{"name":"good"},"spec":{"image":"y","replicas":3}}]}`
	var l MCPServerList
	if err := utiljson.Unmarshal([]byte(list), &l); err != nil {
		t.Fatalf("decode list: %v", err)
	}
	if len(l.Items) != 2 || l.Items[1].Name != "good" || *l.Items[1].Spec.Replicas != 3 || DecodeProblem(&l.Items[1]) != "" {
		t.Fatalf("good item %+v", l.Items)
	}
	bad := l.Items[0]
	p := DecodeProblem(&bad)
	if !strings.Contains(p, "spec.backendReplicas: 2147483648") || !strings.Contains(p, "spec.proxyPort: 1.5") {
		t.Fatalf("problem %q", p)
	}
	if bad.Spec.BackendReplicas != nil || bad.Spec.Replicas == nil || *bad.Spec.Replicas != 2 || bad.Spec.Image != "x" {
		t.Fatalf("bad item decoded as %+v", bad.Spec)
	}
	for _, doc := range []string{
		`{"kind":"VirtualMCPServerList","items":[{"metadata":{"name":"v"},"spec":{"replicas":-2147483649,"config":{"operational":{"failureHandling":{"unhealthyThreshold":99999999999}}}}}]}`,
	} {
		var v VirtualMCPServerList
		if err := utiljson.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatalf("decode %s: %v", doc, err)
		}
		p := DecodeProblem(&v.Items[0])
		if !strings.Contains(p, "spec.replicas") || !strings.Contains(p, "unhealthyThreshold") {
			t.Fatalf("problem %q", p)
		}
	}
	var rp MCPRemoteProxyList
	if err := utiljson.Unmarshal([]byte(`{"items":[{"metadata":{"name":"r"},"spec":{"remoteUrl":"https://x","proxyPort":70000000000}}]}`), &rp); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(DecodeProblem(&rp.Items[0]), "spec.proxyPort") {
		t.Fatalf("remote proxy %+v", rp.Items[0].ObjectMeta)
	}
	// A syntax error still fails: only wrongly typed values are dropped.
	if err := utiljson.Unmarshal([]byte(`{"items":[{"spec":{"image":}}]}`), &MCPServerList{}); err == nil {
		t.Fatal("syntax error accepted")
	}
}

package main

import (
	"os"
	"strings"
	"testing"
)

// TestUpFailsLoudlyWithoutNode: on a machine that cannot run a node (here: none of the
// node's binaries installed) `devcluster up` fails before doing anything, naming what is
// missing and how to install it. make test-cluster (and so CI) fails with that message;
// nothing is skipped.
func TestUpFailsLoudlyWithoutNode(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("DEVCLUSTER_K8S_BIN", empty)
	t.Setenv("DEVCLUSTER_NODE_BIN", empty)
	t.Setenv("DEVCLUSTER_DIR", t.TempDir())
	t.Setenv("CI", "true")
	err := cmdUp(nil)
	if err == nil {
		t.Fatal("devcluster up succeeded with no node binaries")
	}
	want := []string{"kubelet", "kube-apiserver", "hack/install-tools.sh node"}
	if os.Geteuid() != 0 {
		want = []string{"needs root"}
	}
	for _, want := range want {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

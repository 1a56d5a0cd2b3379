//go:build cluster

package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const (
	operatorNS      = "mcp-system"
	operatorRelease = "mcp-operator"
)

func TestMain(m *testing.M) {
	if err := setup(); err != nil {
		// Loud on purpose: make test-cluster on a machine that cannot run a node must fail.
		fmt.Fprintln(os.Stderr, "FAIL: test-cluster needs a running node (make cluster-up):", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
func setup() error {
	managerLogs = []string{"-n", operatorNS, "deployment/" + operatorRelease}
	if err := connectCluster(); err != nil {
		return err
	}
	return installOperator()
}

// installOperator installs the CRDs chart and the operator chart the way a user does,
// pointing the values at the locally built images, and waits for the manager pod.
func installOperator() error {
	start := time.Now()
	if _, err := helm("status", operatorRelease, "-n", operatorNS); err == nil {
		return nil // installed by an earlier run on this node
	}
	if out, err := helm("upgrade", "--install", "mcp-operator-crds", filepath.Join(root, "helm-charts", "mcp-operator-crds"), "--wait"); err != nil {
		return fmt.Errorf("helm install crds: %v: %s", err, out)
	}
	if out, err := helm(append([]string{"install", operatorRelease, filepath.Join(root, "helm-charts", "mcp-operator"),
		"-n", operatorNS, "--create-namespace", "--wait", "--timeout", "3m"}, operatorValues()...)...); err != nil {
		return fmt.Errorf("helm install operator: %v: %s", err, out)
	}
	fmt.Printf("operator installed by helm and running as a pod in %.1fs\n", time.Since(start).Seconds())
	return nil
}

// operatorValues point the chart at the images of bin/images.
func operatorValues(extra ...string) []string {
	v := []string{"--set", "image.tag=" + imageTag, "--set", "images.proxyRunner.tag=" + imageTag,
		"--set", "images.vmcp.tag=" + imageTag}
	for _, e := range extra {
		v = append(v, "--set", e)
	}
	return v
}

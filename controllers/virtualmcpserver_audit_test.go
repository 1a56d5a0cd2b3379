package controllers

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/pkg/vmcp/config"
)

// TestVMCPAuditLogDir: an audit.logFile gets a writable directory in the vmcp pod,
// whose root filesystem is read-only; without one vmcp could not open the file and
// would exit at start.
func TestVMCPAuditLogDir(t *testing.T) {
	v := &v1alpha1.VirtualMCPServer{ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: "ns"}}
	for file, want := range map[string]string{"": "", "/var/log/vmcp/audit.log": "/var/log/vmcp"} {
		cfg := &config.Config{Audit: &config.AuditConfig{LogFile: file}}
		vals, err := buildVMCPValues(v, v.Spec, cfg, nil, nil, &Options{VMCPImage: "vmcp:t"})
		if err != nil {
			t.Fatal(err)
		}
		if vals.AuditLogDir != want {
			t.Errorf("logFile %q: auditLogDir %q, want %q", file, vals.AuditLogDir, want)
		}
	}
}

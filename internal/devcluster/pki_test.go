package devcluster

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestWritePKI checks that every component's kubeconfig carries a client certificate the
// cluster CA verifies, with the user and groups the apiserver's RBAC bootstrap policy expects.
func TestWritePKI(t *testing.T) {
	l := Layout{Dir: t.TempDir()}
	if err := writePKI(l); err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(filepath.Join(l.PKIDir(), "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	for _, id := range clientIdentities(NodeName) {
		data, err := os.ReadFile(filepath.Join(l.PKIDir(), id.file))
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`client-certificate-data: (\S+)`).FindSubmatch(data)
		if m == nil {
			t.Fatalf("%s has no client certificate", id.file)
		}
		der, _ := base64.StdEncoding.DecodeString(string(m[1]))
		block, _ := pem.Decode(der)
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", id.file, err)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("%s: client certificate does not verify: %v", id.file, err)
		}
		if cert.Subject.CommonName != id.cn || !slices.Equal(cert.Subject.Organization, id.orgs) {
			t.Errorf("%s: subject %v, want CN %s O %v", id.file, cert.Subject, id.cn, id.orgs)
		}
	}
	servPEM, _ := os.ReadFile(filepath.Join(l.PKIDir(), "apiserver.crt"))
	block, _ := pem.Decode(servPEM)
	serving, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"kubernetes.default.svc", APIServiceIP, NodeIP} {
		if _, err := serving.Verify(x509.VerifyOptions{Roots: pool, DNSName: host}); err != nil {
			t.Errorf("serving certificate not valid for %s: %v", host, err)
		}
	}
	// The front-proxy client verifies against its own CA only, never against the client CA.
	fpCA, _ := os.ReadFile(filepath.Join(l.PKIDir(), "front-proxy-ca.crt"))
	fpPool := x509.NewCertPool()
	fpPool.AppendCertsFromPEM(fpCA)
	fpPEM, _ := os.ReadFile(filepath.Join(l.PKIDir(), "front-proxy-client.crt"))
	block, _ = pem.Decode(fpPEM)
	fp, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	usage := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if _, err := fp.Verify(x509.VerifyOptions{Roots: fpPool, KeyUsages: usage}); err != nil || fp.Subject.CommonName != FrontProxyClient {
		t.Errorf("front-proxy client %v: %v", fp.Subject, err)
	}
	if _, err := fp.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: usage}); err == nil {
		t.Error("the front-proxy client certificate verifies against the client CA")
	}
}

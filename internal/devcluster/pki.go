package devcluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certValidity is long enough for any development session and short enough to be obviously
// a throwaway certificate.
const certValidity = 7 * 24 * time.Hour

// ca is the cluster's one certificate authority: it signs the apiserver's serving
// certificate and every client certificate (components, admin, kubelet client).
type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(cn string) (*ca, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(certValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("self-sign CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA: %w", err)
	}
	return &ca{cert: cert, key: key}, nil
}

// certSpec describes one leaf certificate. Kubernetes maps CN to the user name and O to the
// groups of a client certificate.
type certSpec struct {
	cn     string
	orgs   []string
	dns    []string
	ips    []net.IP
	server bool
}

// issue signs a leaf and returns its PEM certificate and key.
func (c *ca) issue(s certSpec) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key for %s: %w", s.cn, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, fmt.Errorf("serial for %s: %w", s.cn, err)
	}
	usage := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if s.server {
		usage = append(usage, x509.ExtKeyUsageServerAuth)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: s.cn, Organization: s.orgs},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  usage,
		DNSNames:     s.dns,
		IPAddresses:  s.ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		return nil, nil, fmt.Errorf("sign %s: %w", s.cn, err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal key of %s: %w", s.cn, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

func (c *ca) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})
}

func (c *ca) keyPEM() ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(c.key)
	if err != nil {
		return nil, fmt.Errorf("marshal CA key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

// clientIdentity is a user of the apiserver that authenticates with a client certificate.
type clientIdentity struct {
	file string // kubeconfig file name under the pki dir
	cn   string
	orgs []string
}

// clientIdentities are the components' users: each gets the RBAC the apiserver's bootstrap
// policy grants its well-known name (system:kube-scheduler, system:node:<node>, ...).
func clientIdentities(node string) []clientIdentity {
	return []clientIdentity{
		{file: "admin.kubeconfig", cn: "mcp-devcluster-admin", orgs: []string{"system:masters"}},
		{file: "controller-manager.kubeconfig", cn: "system:kube-controller-manager"},
		{file: "scheduler.kubeconfig", cn: "system:kube-scheduler"},
		{file: "kubelet.kubeconfig", cn: "system:node:" + node, orgs: []string{"system:nodes"}},
		{file: "kube-proxy.kubeconfig", cn: "system:kube-proxy"},
		{file: "coredns.kubeconfig", cn: "system:coredns"},
	}
}

// writePKI creates the CA, the apiserver's serving and kubelet-client certificates, the
// service-account signing key, and one kubeconfig per client identity.
func writePKI(l Layout) error {
	if err := os.MkdirAll(l.PKIDir(), 0o700); err != nil {
		return fmt.Errorf("create pki dir: %w", err)
	}
	c, err := newCA("mcp-devcluster-ca")
	if err != nil {
		return err
	}
	caKey, err := c.keyPEM()
	if err != nil {
		return err
	}
	files := map[string][]byte{"ca.crt": c.certPEM(), "ca.key": caKey}
	serving := certSpec{
		cn: "kube-apiserver", server: true,
		dns: []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local", "localhost"},
		ips: []net.IP{net.ParseIP(APIServiceIP), net.ParseIP(NodeIP), net.ParseIP("127.0.0.1")},
	}
	if files["apiserver.crt"], files["apiserver.key"], err = c.issue(serving); err != nil {
		return err
	}
	kc := certSpec{cn: "kube-apiserver-kubelet-client", orgs: []string{"system:masters"}}
	if files["apiserver-kubelet-client.crt"], files["apiserver-kubelet-client.key"], err = c.issue(kc); err != nil {
		return err
	}
	// The aggregation layer (OLM's packageserver, metrics-server, ...): the apiserver proxies
	// to extension API servers with a front-proxy client certificate, from a CA of its own
	// so that no ordinary client certificate can assert request headers.
	fp, err := newCA("mcp-devcluster-front-proxy-ca")
	if err != nil {
		return err
	}
	files["front-proxy-ca.crt"] = fp.certPEM()
	if files["front-proxy-client.crt"], files["front-proxy-client.key"], err = fp.issue(certSpec{cn: FrontProxyClient}); err != nil {
		return err
	}
	saPub, saKey, err := serviceAccountKey()
	if err != nil {
		return err
	}
	files["sa.pub"], files["sa.key"] = saPub, saKey
	for _, id := range clientIdentities(NodeName) {
		crt, key, err := c.issue(certSpec{cn: id.cn, orgs: id.orgs})
		if err != nil {
			return err
		}
		files[id.file] = kubeconfig(c.certPEM(), crt, key, "https://"+NodeIP+":6443")
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(l.PKIDir(), name), data, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

func serviceAccountKey() (pub, priv []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("generate service-account key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal service-account public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), nil
}

// kubeconfig renders a kubeconfig with the credentials embedded, so it can be copied.
func kubeconfig(caPEM, certPEM, keyPEM []byte, server string) []byte {
	b := base64.StdEncoding.EncodeToString
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: mcp-devcluster
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: user
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: mcp-devcluster
  context: {cluster: mcp-devcluster, user: user}
current-context: mcp-devcluster
`, server, b(caPEM), b(certPEM), b(keyPEM))
}

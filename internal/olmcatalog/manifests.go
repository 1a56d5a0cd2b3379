package olmcatalog

import (
	"fmt"
	"regexp"
	"strings"
)

// upstreamOLMImage matches OLM's own image in its quickstart manifests (pinned by digest).
var upstreamOLMImage = regexp.MustCompile(`quay\.io/operator-framework/olm(@sha256:[0-9a-f]+|:[A-Za-z0-9._-]+)`)

// OLMManifests adapts OLM's quickstart olm.yaml to the dev cluster: OLM's image and the opm
// image are the local ones (imported, never pulled), the bundle unpacker uses the local opm,
// packageserver runs one replica (one node), and the operatorhub.io CatalogSource (a
// remote image) is left out. Everything else is OLM's own manifest.
func OLMManifests(olmYAML []byte, olmImage, opmImage string) ([]byte, error) {
	s := string(olmYAML)
	if !upstreamOLMImage.MatchString(s) {
		return nil, fmt.Errorf("OLM manifests name no quay.io/operator-framework/olm image")
	}
	s = upstreamOLMImage.ReplaceAllString(s, olmImage)
	s = strings.ReplaceAll(s, "imagePullPolicy: Always", "imagePullPolicy: IfNotPresent")
	const cm = "- -configmapServerImage=quay.io/operator-framework/configmap-operator-registry:latest"
	if !strings.Contains(s, cm) {
		return nil, fmt.Errorf("OLM manifests: catalog-operator argument %q not found", cm)
	}
	indent := s[strings.LastIndex(s[:strings.Index(s, cm)], "\n")+1 : strings.Index(s, cm)]
	s = strings.Replace(s, cm, "- -configmapServerImage="+opmImage+"\n"+indent+"- -opmImage="+opmImage, 1)
	var docs []string
	for _, doc := range strings.Split(s, "\n---") {
		if strings.Contains(doc, "kind: CatalogSource") {
			continue
		}
		if strings.Contains(doc, "name: packageserver") && strings.Contains(doc, "kind: ClusterServiceVersion") {
			doc = strings.Replace(doc, "replicas: 2", "replicas: 1", 1)
		}
		docs = append(docs, doc)
	}
	return []byte(strings.Join(docs, "\n---")), nil
}

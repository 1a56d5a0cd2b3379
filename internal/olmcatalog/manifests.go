package olmcatalog

import "fmt"

// OLMValues are the values, over OLM's own deploy/upstream/values.yaml, that install OLM's
// Helm chart on the dev cluster: OLM's and opm's images are the local ones (imported, never
// pulled), packageserver runs one replica (one node), and installType is not "upstream",
// which leaves out the operatorhub.io CatalogSource (a remote image).
func OLMValues(olmImage, opmImage string) []byte {
	return fmt.Appendf(nil, `installType: dev
olm:
  image: {ref: %[1]q, pullPolicy: IfNotPresent}
catalog:
  image: {ref: %[1]q, pullPolicy: IfNotPresent}
  commandArgs: --configmapServerImage=%[2]s
  opmImageArgs: --opmImage=%[2]s
package:
  replicaCount: 1
  image: {ref: %[1]q, pullPolicy: IfNotPresent}
`, olmImage, opmImage)
}

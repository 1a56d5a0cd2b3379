// Package olmcatalog builds what OLM needs to install this operator on the dev cluster
// with no registry and no Docker: bundle images (the bundle directory as an image, one per
// version of an upgrade channel), a file-based catalog (FBC) image that serves them, the
// images of OLM itself, opm and scorecard, and OLM's install manifests pointed at those
// images. test/olm and `make catalog` use it.
package olmcatalog

// Package ociimage builds container images without a daemon or a registry, using
// go-containerregistry as a library: a root filesystem assembled from host files becomes
// layers on an empty base, the config gets entrypoint, environment and a numeric user, and
// the image is written as a tarball that `ctr images import`, `kind load image-archive` and
// `docker load` accept.
package ociimage

# mcp-operator — the one entry point for building, generating and testing.
# `make test` is the test command (README and .ci/run call it).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c

K8S_VERSION ?= 1.34.4
BIN := $(CURDIR)/bin
export KUBEBUILDER_ASSETS := $(BIN)/k8s/$(K8S_VERSION)-linux-amd64
export GOTOOLCHAIN := local
export GOFLAGS := -buildvcs=false
export PATH := $(BIN):$(KUBEBUILDER_ASSETS):$(PATH)

CONTROLLER_GEN := $(BIN)/controller-gen
KUSTOMIZE := $(BIN)/kustomize
TEST_TIMEOUT ?= 30m
GO_TEST := go test -count=1 -timeout $(TEST_TIMEOUT)

.PHONY: all
all: build

##@ Tools

.PHONY: tools
tools: ## Install controller-gen, kustomize, helm, operator-sdk, kube-apiserver, etcd, kubectl (bin/) and the npm test servers (idempotent).
	hack/install-tools.sh test kustomize helm operator-sdk

##@ Generation (outputs are committed; never edit them by hand)

.PHONY: generate
generate: ## Generate deepcopy code.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/... paths=./pkg/vmcp/config/... paths=./pkg/auth/authconfig/...

.PHONY: manifests
manifests: ## Generate CRDs and RBAC into config/.
	hack/manifests.sh

.PHONY: verify tools-gen
tools-gen:
	hack/install-tools.sh gen kustomize

verify: tools-gen ## Fail when generated files are stale or Go files are not gofmt'ed.
	hack/verify.sh

.PHONY: fmt
fmt:
	go fmt ./...

.PHONY: vet
vet:
	go vet ./...

##@ Build

.PHONY: build
# Every binary reports VERSION (`vmcp version`, `manager --version`, `proxyrunner --version`).
LDFLAGS ?= -X github.com/mcp-operator/mcp-operator/pkg/version.Version=$(VERSION)
# grpcnotrace: gRPC would import golang.org/x/net/trace, whose html/template pages make
# the linker keep every exported method of every type (see internal/jsontemplate):
# it made the static vmcp 42 MB instead of 30 MB, and 3 MB larger in RSS. No binary
# links gRPC since pkg/telemetry/otlp replaced the SDK's OTLP exporters; the tag stays
# so that a dependency bringing gRPC back does not bring that cost with it. The
# Dockerfile uses the same tags (cmd/vmcp TestBinaryKeepsNoReflectedMethods checks both).
GO_TAGS ?= grpcnotrace

build: ## Build manager, vmcp, proxyrunner, optimizer, embedder and the kubectl plugin kubectl-mcp into bin/, stamped with VERSION.
	go build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/manager ./cmd/manager
	go build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/vmcp ./cmd/vmcp
	go build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/proxyrunner ./cmd/proxyrunner
	go build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/optimizer ./cmd/optimizer
	go build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/embedder ./cmd/embedder
	go build -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/kubectl-mcp ./cmd/kubectl-mcp

.PHONY: dist
dist: ## Release artefacts of the kubectl plugin (dist/: archives per OS/arch, checksums, krew manifest).
	VERSION=$(VERSION) hack/dist-plugin.sh

##@ Test

# Packages whose tests start a kube-apiserver (they import envtest).
ENVTEST_PKGS = $(shell go list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}} {{join .Imports " "}}' ./... | grep 'sigs.k8s.io/controller-runtime/pkg/envtest\|internal/localcp' | cut -d' ' -f1)

.PHONY: test
test: tools verify ## Run every test: unit, envtest, real MCP servers, conformance, end to end.
	$(GO_TEST) -json ./... 2>&1 | go run ./hack/testsummary

.PHONY: test-unit
test-unit: ## Unit tests only (suites that need a kube-apiserver skip under -short).
	$(GO_TEST) -short -json ./... 2>&1 | go run ./hack/testsummary

.PHONY: test-envtest
test-envtest: tools ## Only the packages that run against a real kube-apiserver and etcd.
	$(GO_TEST) -json $(ENVTEST_PKGS) 2>&1 | go run ./hack/testsummary

##@ Benchmarks (ratios measured in one run; see bench/)

.PHONY: bench
bench: tools ## Run every benchmark in bench/.
	@for d in bench/*/; do [ -f "$$d/main.go" ] || continue; echo "== $$d"; go run ./$$d || exit 1; done

.PHONY: help
help:
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*?##/ { printf "  %-14s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Demo

.PHONY: demo
demo: tools build ## Local control plane + operator + vmcp + real MCP servers on 127.0.0.1; prints the MCP URL. Ctrl-C stops it.
	go build -o $(BIN)/mcp-demo ./hack/demo
	$(BIN)/mcp-demo

##@ Packaging (install charts, kustomize bases, OLM bundle, images)
# `make manifests` also copies the CRDs into helm-charts/mcp-operator-crds/files/crds and
# config/rbac/role.yaml into helm-charts/mcp-operator/files (generated; never edit them).

VERSION ?= 0.1.0
IMG ?= ghcr.io/mcp-operator/manager:$(VERSION)
HELM := $(BIN)/helm
OPERATOR_SDK := $(BIN)/operator-sdk
DOCKER ?= docker
IMAGE_REPO ?= ghcr.io/mcp-operator

.PHONY: tools-packaging
tools-packaging: ## Install kustomize, helm and operator-sdk into bin/.
	hack/install-tools.sh gen kustomize helm operator-sdk

.PHONY: bundle
bundle: tools-packaging manifests ## Regenerate the OLM bundle (bundle/, bundle.Dockerfile) and validate it.
	VERSION=$(VERSION) IMG=$(IMG) hack/bundle.sh
	$(OPERATOR_SDK) bundle validate ./bundle --select-optional suite=operatorframework

.PHONY: helm-lint
helm-lint: tools-packaging ## Lint both install charts (strict).
	$(HELM) lint --strict helm-charts/mcp-operator-crds
	$(HELM) lint --strict helm-charts/mcp-operator

.PHONY: test-packaging
test-packaging: tools tools-packaging ## Charts, kustomize bases, bundle and Dockerfile checks (test/packaging).
	$(GO_TEST) -json ./test/packaging/... 2>&1 | go run ./hack/testsummary

.PHONY: docker-build
docker-build: ## Build the five images (needs a Docker engine).
	for t in manager vmcp proxyrunner optimizer embedder; do $(DOCKER) build --target $$t -t $(IMAGE_REPO)/$$t:$(VERSION) . || exit 1; done

##@ Real cluster (a single-node Kubernetes in its own network namespace; see README)

DEVCLUSTER := $(BIN)/devcluster
IMAGES_DIR := $(BIN)/images
STATIC_GO_BUILD := CGO_ENABLED=0 go build -trimpath -tags '$(GO_TAGS)' -ldflags="-s -w"

.PHONY: tools-node
tools-node: ## Install what the node needs: kubelet, kube-proxy, controller-manager, scheduler, CoreDNS (bin/node), containerd/runc/CNI (apt).
	hack/install-tools.sh test node

.PHONY: devcluster
devcluster:
	go build -o $(DEVCLUSTER) ./cmd/devcluster

.PHONY: images
images: devcluster ## Build the image tarballs (manager, vmcp, proxyrunner, optimizer, pause, npm MCP servers, redis-server; needs node_modules and redis-server from make tools) into bin/images without Docker.
	$(STATIC_GO_BUILD) -o $(IMAGES_DIR)/build/ ./cmd/manager ./cmd/vmcp ./cmd/proxyrunner ./cmd/optimizer ./hack/pause
	$(DEVCLUSTER) images --binaries $(IMAGES_DIR)/build --out $(IMAGES_DIR)

.PHONY: cluster-up
cluster-up: tools-node images ## Start the node (prints KUBECONFIG; run clients with bin/devcluster exec -- CMD).
	$(DEVCLUSTER) up

.PHONY: cluster-down
cluster-down: devcluster ## Stop the node and remove everything it made.
	$(DEVCLUSTER) down

# test-cluster brings a node up (cleaning leftovers of an earlier run first), runs the
# scenarios of test/cluster inside its network namespace, and always takes it down again.
# Under CI=true a machine that cannot run a node fails here, loudly.
CLUSTER_TEST_TIMEOUT ?= 40m
# CLUSTER_SKIP (a -test.skip pattern): scenarios that have not yet passed on a node are
# listed here until they have (`make test-cluster RUN=TestX CLUSTER_SKIP=`); RUN picks some.
CLUSTER_SKIP ?=
.PHONY: test-cluster
test-cluster: tools-node images ## End-to-end scenarios on a real node, the operator installed by helm as a pod (test/cluster).
	go vet -tags cluster ./test/cluster
	go test -c -tags cluster -o $(BIN)/cluster.test ./test/cluster
	go build -o $(BIN)/kubectl-mcp ./cmd/kubectl-mcp
	$(DEVCLUSTER) up
	status=0; $(DEVCLUSTER) exec -- env HELM=$(HELM) $(BIN)/cluster.test -test.v -test.count=1 -test.timeout $(CLUSTER_TEST_TIMEOUT) $(if $(RUN),-test.run '$(RUN)') $(if $(CLUSTER_SKIP),-test.skip '$(CLUSTER_SKIP)') || status=$$?; \
	  $(DEVCLUSTER) status || true; \
	  $(DEVCLUSTER) down; \
	  go test -tags cluster -count=1 -v -run '^TestForegroundInterrupt$$' ./cmd/devcluster || status=$$?; exit $$status

.PHONY: demo-cluster
demo-cluster: tools-node images ## The demo on real pods (starts the node unless make cluster-up already did): operator by helm, the seed's VirtualMCPServer and backends; prints the commands to use it.
	go test -c -tags cluster -o $(BIN)/cluster.test ./test/cluster
	go build -o $(BIN)/kubectl-mcp ./cmd/kubectl-mcp
	if $(DEVCLUSTER) status >/dev/null 2>&1; then $(DEVCLUSTER) load $(IMAGES_DIR)/*.tar; else $(DEVCLUSTER) up; fi
	$(DEVCLUSTER) exec -- env HELM=$(HELM) DEMO_KEEP=1 $(BIN)/cluster.test -test.v -test.count=1 -test.run '^TestDemo$$'

##@ OLM on the real node (OLM v0.38.0, opm v1.61.0, scorecard of operator-sdk v1.42.2; see README)

.PHONY: tools-olm
tools-olm: ## Build OLM, opm, grpc_health_probe and scorecard-test into bin/ (and busybox-static from apt).
	hack/install-tools.sh olm

.PHONY: catalog
catalog: devcluster tools-olm ## Bundle images (the bundle as v0.1.0 and an upgrade v0.2.0), the FBC catalog image serving them, OLM's, opm's and scorecard's images, into bin/images/olm without Docker.
	$(DEVCLUSTER) catalog --out $(IMAGES_DIR)/olm

# test-olm brings a fresh node up, imports OLM's images, and runs test/cluster with the olm
# tag: OLM installed from its own manifests, the operator installed, upgraded and
# uninstalled through a Subscription, and scorecard's basic and olm suites.
.PHONY: test-olm
test-olm: tools-node images catalog ## OLM install/upgrade/uninstall and scorecard on a real node (test/cluster, tag olm).
	go vet -tags olm ./test/cluster
	go test -c -tags olm -o $(BIN)/olm.test ./test/cluster
	$(DEVCLUSTER) up
	status=0; $(DEVCLUSTER) load $(IMAGES_DIR)/olm/olm-*.tar $(IMAGES_DIR)/olm/opm-*.tar $(IMAGES_DIR)/olm/scorecard-*.tar && \
	  $(DEVCLUSTER) exec -- env HELM=$(HELM) OPERATOR_SDK=$(OPERATOR_SDK) $(BIN)/olm.test -test.v -test.count=1 -test.timeout 30m $(if $(RUN),-test.run '$(RUN)') || status=$$?; \
	  $(DEVCLUSTER) status || true; \
	  $(DEVCLUSTER) down; exit $$status

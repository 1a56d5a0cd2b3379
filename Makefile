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
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/... paths=./pkg/vmcp/config/...

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

build: ## Build manager, vmcp and proxyrunner into bin/, stamped with VERSION.
	go build -ldflags '$(LDFLAGS)' -o $(BIN)/manager ./cmd/manager
	go build -ldflags '$(LDFLAGS)' -o $(BIN)/vmcp ./cmd/vmcp
	go build -ldflags '$(LDFLAGS)' -o $(BIN)/proxyrunner ./cmd/proxyrunner

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
docker-build: ## Build the three images (needs a Docker engine).
	for t in manager vmcp proxyrunner; do $(DOCKER) build --target $$t -t $(IMAGE_REPO)/$$t:$(VERSION) . || exit 1; done

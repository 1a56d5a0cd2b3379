# syntax=docker/dockerfile:1
# One build for the five image binaries of mcp-operator; pick the image with --target:
#   docker build --target manager     -t ghcr.io/mcp-operator/manager:0.1.0 .
#   docker build --target vmcp        -t ghcr.io/mcp-operator/vmcp:0.1.0 .
#   docker build --target proxyrunner -t ghcr.io/mcp-operator/proxyrunner:0.1.0 .
#   docker build --target optimizer   -t ghcr.io/mcp-operator/optimizer:0.1.0 .
#   docker build --target embedder    -t ghcr.io/mcp-operator/embedder:0.1.0 .
# Without --target the last stage (manager) is built. Every final image is distroless,
# static and runs as the non-root user 65532; the binary is the entrypoint.
ARG GO_VERSION=1.26
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot
ARG VERSION=0.1.0

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION
ENV GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# -tags grpcnotrace: see GO_TAGS in the Makefile (cmd/vmcp TestBinaryKeepsNoReflectedMethods checks both).
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath -tags grpcnotrace -ldflags="-s -w -X github.com/mcp-operator/mcp-operator/pkg/version.Version=${VERSION}" -o /out/ ./cmd/manager ./cmd/vmcp ./cmd/proxyrunner ./cmd/optimizer ./cmd/embedder

FROM ${BASE_IMAGE} AS proxyrunner
ARG VERSION
LABEL org.opencontainers.image.title="mcp-operator proxy runner" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/mcp-operator/mcp-operator"
COPY --from=build /out/proxyrunner /proxyrunner
USER 65532:65532
ENTRYPOINT ["/proxyrunner"]

FROM ${BASE_IMAGE} AS optimizer
ARG VERSION
LABEL org.opencontainers.image.title="mcp-operator MCP optimizer (Kubernetes mode)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/mcp-operator/mcp-operator"
COPY --from=build /out/optimizer /optimizer
USER 65532:65532
ENV RUNTIME_MODE=k8s
EXPOSE 9900
ENTRYPOINT ["/optimizer"]

FROM ${BASE_IMAGE} AS embedder
ARG VERSION
LABEL org.opencontainers.image.title="mcp-operator embedder (TEI-compatible, hashed n-gram embedding)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/mcp-operator/mcp-operator"
COPY --from=build /out/embedder /embedder
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/embedder"]

FROM ${BASE_IMAGE} AS vmcp
ARG VERSION
LABEL org.opencontainers.image.title="mcp-operator vmcp gateway" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/mcp-operator/mcp-operator"
COPY --from=build /out/vmcp /vmcp
USER 65532:65532
EXPOSE 4483
ENTRYPOINT ["/vmcp"]

FROM ${BASE_IMAGE} AS manager
ARG VERSION
LABEL org.opencontainers.image.title="mcp-operator manager" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/mcp-operator/mcp-operator"
COPY --from=build /out/manager /manager
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/manager"]

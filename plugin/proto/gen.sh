#!/bin/sh
# Regenerates driver.pb.go and driver_grpc.pb.go from driver.proto.
# Installs what it needs: protoc from Debian (protobuf-compiler) when it is
# missing, and pinned Go generators into the repository's bin/ directory.
# Run as `go generate ./plugin/proto` (what `make proto` does).
set -eu

PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin="$root/bin/proto-tools"

if ! command -v protoc >/dev/null 2>&1; then
	echo "proto: installing protobuf-compiler" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends protobuf-compiler </dev/null
fi

mkdir -p "$bin"
GOBIN="$bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
GOBIN="$bin" go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"

cd "$here"
protoc \
	--plugin=protoc-gen-go="$bin/protoc-gen-go" \
	--plugin=protoc-gen-go-grpc="$bin/protoc-gen-go-grpc" \
	--go_out=. --go_opt=paths=source_relative \
	--go-grpc_out=. --go-grpc_opt=paths=source_relative \
	driver.proto

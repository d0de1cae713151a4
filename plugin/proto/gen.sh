#!/bin/sh
# Regenerates driver.pb.go and driver_grpc.pb.go from driver.proto with
# Debian's protoc (protobuf-compiler, installed by make deps) and pinned Go
# generators, installed into the repository's bin/ directory.
# Run as `go generate ./plugin/proto` (what `make proto` does). With --check
# it generates into a temporary directory instead and fails when the
# committed files differ (make generated, part of make test).
set -eu

PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin="$root/bin/proto-tools"

if ! command -v protoc >/dev/null 2>&1; then
	echo "proto: protoc not found (make deps installs protobuf-compiler)" >&2
	exit 1
fi

mkdir -p "$bin"
GOBIN="$bin" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
GOBIN="$bin" go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"

out="$here"
if [ "${1:-}" = "--check" ]; then
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi

cd "$here"
protoc \
	--plugin=protoc-gen-go="$bin/protoc-gen-go" \
	--plugin=protoc-gen-go-grpc="$bin/protoc-gen-go-grpc" \
	--go_out="$out" --go_opt=paths=source_relative \
	--go-grpc_out="$out" --go-grpc_opt=paths=source_relative \
	driver.proto

if [ "$out" != "$here" ]; then
	stale=0
	for f in driver.pb.go driver_grpc.pb.go; do
		if ! cmp -s "$out/$f" "$here/$f"; then
			echo "plugin/proto/$f is stale: run make proto" >&2
			diff -u "$here/$f" "$out/$f" | head -40 >&2 || true
			stale=1
		fi
	done
	exit $stale
fi

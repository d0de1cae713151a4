# lxcvirt — see README.md. Every target runs as root on Debian 12.
SHELL      := /bin/sh
export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)
GO         ?= go
BIN        := bin
SOCKET     ?= /run/lxcvirt/lxcvirt-sock
STATE_DIR  ?= /var/lib/lxcvirt
LXCPATH    ?= $(STATE_DIR)/lxc
DEMO_ROOT  ?= /srv/mycontainer
FUZZTIME   ?= 20s
TESTFLAGS  ?= -race -count=1 -timeout 20m
# Real-container tests (root, LXC, real clients) carry this build tag; the
# packages that have such tests:
ITAG       := integration
IPKGS       = $$(grep -rl --include='*_test.go' '^//go:build.*\b$(ITAG)\b' . | xargs -n1 dirname | sort -u)
# bench/ is a module of its own (gonum/plot), outside the product's.

.PHONY: all deps build test unit integration lint generated fuzz run stop bench bench-smoke proto clean

all: build

## deps: install the Debian packages and the lxcbr0 bridge (idempotent)
deps:
	./scripts/deps.sh

## build: compile every command into bin/
build:
	$(GO) build -o $(BIN)/ ./cmd/...

## test: deps, lint, generated-code check, unit tests, then the real-container tests, all with -race, then bench smoke
test: deps lint generated
	$(MAKE) unit
	$(MAKE) integration
	$(MAKE) bench-smoke

## unit: tests that need neither root nor LXC (no real container, even as root), both modules
unit:
	$(GO) test $(TESTFLAGS) ./...
	cd bench && $(GO) test $(TESTFLAGS) ./...

## integration: the real-container tests (build tag integration); none skips under CI=true
integration: deps
	$(GO) test $(TESTFLAGS) -tags $(ITAG) -v $(IPKGS)

## lint: gofmt, go vet of both modules (with the integration tag), and no bench or cgo client in the product
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(ITAG) ./...
	cd bench && $(GO) vet ./...
	@if $(GO) list -deps ./... | grep -E '^(gonum\.org/|libvirt\.org/go/libvirt$$)'; then \
		echo "the product links the packages above (they belong to bench/ or the integration tests)"; exit 1; fi

## generated: the committed generated code is what its inputs give (.x -> Go, .proto -> Go)
generated:
	$(GO) test -count=1 -run '^TestGeneratedFilesAreCurrent$$' ./remote/internal/gen
	sh plugin/proto/gen.sh --check

## fuzz: run every Go fuzz target for FUZZTIME each
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
		for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/^func //'); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## run: install, build, start the daemon and run the seed demo under virsh
run: deps build
	SOCKET=$(SOCKET) STATE_DIR=$(STATE_DIR) LXCPATH=$(LXCPATH) DEMO_ROOT=$(DEMO_ROOT) ./scripts/run-demo.sh

## stop: stop the daemon started by make run (containers keep running)
stop:
	SOCKET=$(SOCKET) ./scripts/stop-daemon.sh

## bench: measure lxcvirt against raw lxc-* and libvirtd (writes bench/RESULTS.md)
bench: deps build
	cd bench && $(GO) run . $(BENCHFLAGS)

## bench-smoke: the benchmark harness in --quick mode, results thrown away; fails when a row was not measured
bench-smoke: build
	@out=$$(mktemp -d); (cd bench && $(GO) run . --quick --out $$out); rc=$$?; rm -rf $$out; exit $$rc

## proto: regenerate the plugin's gRPC code
proto:
	$(GO) generate ./plugin/proto

clean:
	rm -rf $(BIN)

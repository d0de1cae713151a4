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

.PHONY: all deps build test unit integration lint fuzz run stop bench bench-smoke proto clean

all: build

## deps: install the Debian packages and the lxcbr0 bridge (idempotent)
deps:
	./scripts/deps.sh

## build: compile every command into bin/
build:
	$(GO) build -o $(BIN)/ ./cmd/...

## test: deps, lint, unit and integration tests (real containers) with -race, bench smoke
test: deps lint
	$(GO) test $(TESTFLAGS) ./...
	$(MAKE) bench-smoke

## unit: tests that need neither root nor LXC (integration tests skip themselves)
unit:
	$(GO) test $(TESTFLAGS) $$($(GO) list ./... | grep -v /integration)

## integration: only the real-container tests
integration: deps
	$(GO) test $(TESTFLAGS) -v ./integration/...

## lint: gofmt check and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

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
	$(GO) run ./bench $(BENCHFLAGS)

## bench-smoke: the benchmark harness in --quick mode, results thrown away (a check, not a gate)
bench-smoke: build
	@out=$$(mktemp -d); $(GO) run ./bench --quick --out $$out; rc=$$?; rm -rf $$out; exit $$rc

## proto: regenerate the plugin's gRPC code
proto:
	$(GO) generate ./plugin/proto

clean:
	rm -rf $(BIN)

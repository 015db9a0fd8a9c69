# Townhall. The two commands a newcomer needs:
#   make run    build, ingest the demo council's corpus and serve on 127.0.0.1:8080
#   make test   install test prerequisites if missing, then run every test
# See README.md.

GO        ?= go
ADDR      ?= 127.0.0.1:8080
MANIFEST  ?= testdata/demo/demo.yaml
BIN       := bin/townhall
SHARED    ?= ../shared
BENCHTIME ?= 1x

.PHONY: all build run test test-deps vet bench eval-dev clean govuk-frontend browser-deps

all: build

build:
	$(GO) build -o $(BIN) ./cmd/townhall

-include Makefile.embed
-include Makefile.pg

run: build embeddings govuk-frontend
	$(BIN) ingest -manifest $(MANIFEST)
	$(BIN) foi import -manifest $(MANIFEST)
	$(BIN) serve -addr $(ADDR) -manifest $(MANIFEST)

# govuk-frontend's compiled CSS, fonts, images and JavaScript for the FOI
# portal, installed from npm into .cache/npm (without running scripts) and
# served at /assets/. The portal still starts without it, with a plain
# fallback stylesheet. Does nothing when the pinned version is present.
GOVUK_FRONTEND_PKG ?= govuk-frontend@6.6.0
GOVUK_FRONTEND_CSS := .cache/npm/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css

govuk-frontend:
	@if ! grep -qs '"version": "$(lastword $(subst @, ,$(GOVUK_FRONTEND_PKG)))"' .cache/npm/node_modules/govuk-frontend/package.json || [ ! -f "$(GOVUK_FRONTEND_CSS)" ]; then \
		echo "npm install $(GOVUK_FRONTEND_PKG) into .cache/npm"; \
		mkdir -p .cache/npm && \
		npm install --ignore-scripts --no-audit --no-fund --loglevel=error --prefix .cache/npm $(GOVUK_FRONTEND_PKG); \
	fi

# Debian's chromium and the npm modules of the widget's browser test
# (tests/browser/package.json: playwright-core, axe-core), installed into
# .cache/npm-browser without running scripts. playwright-core drives the
# system chromium, so no browser is downloaded. Does nothing when both
# are present.
CHROMIUM ?= /usr/bin/chromium

browser-deps:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "apt-get install chromium"; \
		apt-get update && apt-get install -y --no-install-recommends chromium; \
	fi
	@if ! cmp -s tests/browser/package.json .cache/npm-browser/package.json || [ ! -d .cache/npm-browser/node_modules/playwright-core ]; then \
		echo "npm install tests/browser/package.json into .cache/npm-browser"; \
		mkdir -p .cache/npm-browser && cp tests/browser/package.json .cache/npm-browser/package.json && \
		npm install --ignore-scripts --no-audit --no-fund --loglevel=error --prefix .cache/npm-browser; \
	fi

# test-deps installs what the integration tests need (word vectors, the
# FOI portal's frontend, chromium and the browser test's npm modules;
# PostgreSQL with pgvector from Makefile.pg). Each step is idempotent
# and quick when already done.
test-deps: embeddings govuk-frontend browser-deps $(TEST_DEPS)

test: test-deps
	$(GO) vet ./...
	$(TEST_ENV) $(GO) test -count=1 ./...

# Benchmarks print the figures the issues ask for; they read the shared
# corpus at $(SHARED)/corpus and skip what is absent. PostgreSQL is started
# as for `make test` (Makefile.pg's pg-bench), and its benchmarks skip when
# it cannot be. wsload then loads
# the web chat from a separate process on loopback (2,000 conversations,
# the gorilla echo reference, 10,000 idle connections; about two and a
# half minutes) and writes out/wsload.json. WSLOAD_FLAGS adds flags, e.g.
# WSLOAD_FLAGS="-conns 500 -idle 2000 -duration 10s".
bench: build embeddings $(BENCH_DEPS)
	$(BENCH_ENV) $(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -benchmem ./...
	$(GO) build -o bin/wsload ./cmd/wsload
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null; bin/wsload run -townhall $(BIN) -manifest $(MANIFEST) -json out/wsload.json $(WSLOAD_FLAGS)

# The development eval suite over the shared corpus: the three retrievers
# with the extractive assistant, side by side against the bm25 baseline.
eval-dev: build embeddings
	$(BIN) eval -suite $(SHARED)/evals/dev.jsonl -manifest evals/shared-corpus.yaml \
	  -matrix retriever=hybrid,bm25,vector composer=extractive -baseline bm25 \
	  -json out/dev.json -html out/dev.html

clean:
	rm -rf bin data out

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

.PHONY: all build run test test-deps vet bench eval-dev clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/townhall

-include Makefile.embed

run: build embeddings
	$(BIN) ingest -manifest $(MANIFEST)
	$(BIN) serve -addr $(ADDR) -manifest $(MANIFEST)

# test-deps installs what the integration tests need (word vectors now;
# PostgreSQL with pgvector and chromium as those tests land). Each step is
# idempotent and quick when already done.
test-deps: embeddings

test: test-deps
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# Benchmarks print the figures the issues ask for; they read the shared
# corpus at $(SHARED)/corpus and skip what is absent.
bench: build embeddings
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -benchmem ./...

# The development eval suite over the shared corpus, all three retrievers.
eval-dev: build embeddings
	for r in hybrid bm25 vector; do \
	  $(BIN) eval -suite $(SHARED)/evals/dev.jsonl -manifest evals/shared-corpus.yaml -retriever $$r -json out/dev-$$r.json || exit 1; \
	done

clean:
	rm -rf bin data out

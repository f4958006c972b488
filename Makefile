# Mesh build, test and benchmark targets. `make check` is what CI runs.
GO        ?= go
BIN       := bin
BINARIES  := meshman mesh-service
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME  ?= 5s

.PHONY: all build test race lint vet staticcheck fuzz-smoke bench demo check clean loadtest-postgres

all: build

build:
	@mkdir -p $(BIN)
	@for b in $(BINARIES); do $(GO) build -trimpath -o $(BIN)/$$b ./cmd/$$b || exit 1; done

test:
	$(GO) test -race -count=1 ./...

lint: vet staticcheck

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

fuzz-smoke:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz-smoke.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime=1s ./...

demo: build
	./scripts/demo.sh

# The multi-node PostgreSQL load test with a node kill and a database
# restart (starts its own throwaway cluster).
loadtest-postgres:
	./scripts/loadtest-postgres.sh

check: lint test fuzz-smoke loadtest-postgres

clean:
	rm -rf $(BIN)

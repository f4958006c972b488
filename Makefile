# Mesh build, test and benchmark targets. `make check` is what CI runs.
GO        ?= go
BIN       := bin
BINARIES  := meshman mesh-service mesh-agent
PLUGINS   := ssh
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME  ?= 5s

.PHONY: all build test race lint vet staticcheck fuzz-smoke bench bench-ssh demo check clean loadtest-postgres proto-check

all: build

build:
	@mkdir -p $(BIN)
	@for b in $(BINARIES); do $(GO) build -trimpath -o $(BIN)/$$b ./cmd/$$b || exit 1; done
	@for p in $(PLUGINS); do $(GO) build -trimpath -o $(BIN)/mesh-plugin-$$p ./plugins/$$p || exit 1; done

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

# Regenerates the plugin contract's protobuf code and fails on any diff.
proto-check:
	./scripts/proto-check.sh

# Our ssh-agent against OpenSSH's, in the same run.
bench-ssh:
	./scripts/bench-ssh-agent.sh

check: lint proto-check test fuzz-smoke loadtest-postgres

clean:
	rm -rf $(BIN)

# Placard's everyday commands. They need nothing beyond Go and make; each is
# a plain go command you can also type yourself.
#
#   make generate     regenerate committed generated code
#   make test         every test (the README's test command)
#   make test-short   every test but those needing a browser, the HTML checker or PostgreSQL
#   make bench        the Go benchmarks, then how to run the load tests in bench/
#   make golden       rewrite the golden files from the current output
#
# TESTFLAGS adds flags to go test (CI: make test TESTFLAGS="-race -count=1 -v").

GO ?= go
TESTFLAGS ?=
BENCHTIME ?= 1s

.PHONY: help generate test test-short bench golden

help:
	@sed -n 's/^#   make /make /p' Makefile

# templ components (views/*_templ.go) and the schema's docs_gen.go with
# docs/config.md: see the //go:generate lines in views/generate.go and
# internal/schema/gen.go.
generate:
	$(GO) generate ./...

test:
	$(GO) test $(TESTFLAGS) ./...

# -short skips the browser, HTML checker and PostgreSQL tests even when those
# are installed (internal/browsertest, internal/store/pgtest). Without -short
# they run, and under CI=true a missing one fails.
test-short:
	$(GO) test -short $(TESTFLAGS) ./...

# The benchmarks under go test (-run '^$$' runs no tests); PostgreSQL ones
# skip without a server. The load tests need wrk, nginx and curl.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	@echo
	@echo "Load tests against real servers (Debian: apt-get install wrk nginx curl postgresql):"
	@echo "  bench/pages.sh   page throughput of placard serve beside nginx serving the same bytes"
	@echo "  bench/sign.sh    signing throughput over HTTP on SQLite and PostgreSQL, beside the disk's fsync rate and a bare net/http handler"
	@echo "  bench/build.sh   placard build of 1,000 campaigns, and nginx serving the export"
	@echo "  bench/scale.sh N...  check, start, memory, reload and page latency for N campaigns copied from the examples"
	@echo "Each lists its settings (RUNS, DURATION, ENGINES, ...) at its top; results go in bench/README.md."

# Golden pages (views), share cards (internal/sharecard) and the loader's
# expected problems (internal/campaign testdata/*/*/want.txt), rewritten by
# their tests' -update flag. Review the diff before committing it.
golden:
	$(GO) test -count=1 ./views -run '^TestGolden$$' -update
	$(GO) test -count=1 ./internal/sharecard -run '^TestGolden$$' -update
	$(GO) test -count=1 ./internal/campaign -update

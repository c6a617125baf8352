# The README's two commands: `make run` and `make test`.
GO       ?= go
ARGS     ?=
BENCHTIME ?= 1x

.PHONY: deps run demoils test test-days vet bench fuzz build

deps:
	@bash .ci/deps

build: deps
	$(GO) build -o bin/kiosk ./cmd/kiosk

# The kiosk on its embedded demo library; `make run ARGS=-windowed` for a window.
run: build
	./bin/kiosk $(ARGS)

# The demo library on its own, as a SIP2 server.
demoils:
	$(GO) run ./cmd/demoils -listen 127.0.0.1:6001

vet:
	$(GO) vet ./...

test: deps vet
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run 'TestScreensLookRight' ./kiosk/ui/

# The core and the programs on the days clocks trip over, in Amsterdam's time:
# the last Sundays of March and October (DST) and New Year's Eve.
# DAYS=2027-03-28 runs one; KIOSK_TEST_DATE sets the day of any test run.
DAYS ?= 2027-03-28 2026-10-25 2026-12-31T23:30
test-days: deps
	@for d in $(DAYS); do \
	  echo "== tests on $$d (Europe/Amsterdam)"; \
	  TZ=Europe/Amsterdam KIOSK_TEST_DATE=$$d $(GO) test -count=1 ./kiosk/... ./cmd/... || exit 1; \
	done

# Speed and memory figures, each beside its baseline.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

# A short run of every fuzz target.
fuzz:
	@for p in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list 'Fuzz.*' $$p | grep ^Fuzz); do \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$p || exit 1; \
	  done; \
	done

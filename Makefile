# tenantd — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
BUILD_DIR ?= $(CURDIR)/build
TENANTD_PG_DIR ?= $(CURDIR)/var/pg
TENANTD_PG_PORT ?= 54329
JOBS ?= 2
export BUILD_DIR TENANTD_PG_DIR TENANTD_PG_PORT

.PHONY: all deps build run test sanitize format-check bench bench-signup bench-retention db-start db-stop db-destroy migrate format clean test-citus

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

# The embedded cluster (skipped when DATABASE_URL points elsewhere).
db-start: deps
	@if [ -z "$$DATABASE_URL" ]; then scripts/db.sh init $(TENANTD_PG_DIR) $(TENANTD_PG_PORT); \
	  echo "PostgreSQL: $$(scripts/db.sh url $(TENANTD_PG_DIR) $(TENANTD_PG_PORT) tenantd_migrator)"; fi

db-stop:
	@scripts/db.sh stop $(TENANTD_PG_DIR)

db-destroy:
	@scripts/db.sh destroy $(TENANTD_PG_DIR)

migrate: build db-start
	@scripts/migrate.sh

run: build db-start migrate
	@scripts/run.sh

test: build
	@scripts/test.sh

# The schema and the service on a Citus cluster (coordinator + two workers, removed afterwards);
# builds Citus from third_party/citus the first time (docs/scale-out.md).
test-citus: build
	@scripts/test-citus.sh

# Every test layer again with the service and the tests built under ASan + UBSan (own build
# directory). halt_on_error: the first finding aborts the process, so the layer fails.
SANITIZE_DIR ?= $(CURDIR)/build-sanitize
sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" -DTENANTD_SANITIZE=ON \
	  $$(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j$(JOBS)
	@BUILD_DIR=$(SANITIZE_DIR) \
	  ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=0:strict_string_checks=1:detect_stack_use_after_return=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  scripts/test.sh

bench: build
	@bench/run.sh

bench-signup: build
	@bench/signup.sh

# the retention sweep on 1,000,000 audit rows and concurrent inserts (docs/data-lifecycle.md)
bench-retention: build
	@bench/retention.sh

format:
	@clang-format -i $$(find src tests -name '*.cpp' -o -name '*.hpp')

# Fails (listing the files) when clang-format would change any C++ file; .ci/run runs it first.
format-check: deps
	@clang-format --dry-run --Werror $$(find src tests -name '*.cpp' -o -name '*.hpp')

clean:
	rm -rf $(BUILD_DIR)

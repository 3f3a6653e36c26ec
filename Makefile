# Sampo — the two commands are `make demo` and `make test`.
SWIFT     ?= swift
SAMPO     := .build/release/sampo
DEMO_SEED ?= 1

.PHONY: setup stan-toolchain browser slurm build demo test cluster-test bench notebooks docs clean

# Installs what is missing, silently when nothing is: GSL, pkg-config and gnuplot (for `sampo plot`),
# a C++17 compiler and zlib (apt-get), and the Stan toolchain (`stan-toolchain`).
setup: stan-toolchain
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists gsl || ! pkg-config --exists zlib || \
	    ! command -v gnuplot >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1; then \
	  echo "make setup: installing libgsl-dev, zlib1g-dev, pkg-config, gnuplot-nox and g++ with apt-get"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libgsl-dev zlib1g-dev pkg-config gnuplot-nox g++ >/dev/null; \
	fi

# The Stan toolchain (stanc3 2.35 and the Stan, Stan Math, Eigen, Boost, TBB and SUNDIALS headers and
# libraries) from its registry package, the PyPI wheel of httpstan 4.13.0, unpacked into .stan/ — the
# folder `sampo` looks for beside its build (SAMPO_STAN_HOME overrides). Only when missing.
STAN_HOME ?= .stan/httpstan
stan-toolchain:
	@if [ ! -x $(STAN_HOME)/stanc ] || [ ! -f $(STAN_HOME)/lib/libtbb.so.2 ]; then \
	  echo "make setup: installing the Stan toolchain (PyPI httpstan 4.13.0, 45 MB) into $(STAN_HOME)"; \
	  if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then \
	    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-pip >/dev/null; \
	  fi; \
	  tmp=$$(mktemp -d) && \
	  python3 -m pip download --quiet httpstan==4.13.0 --no-deps --only-binary=:all: \
	    --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp -d $$tmp && \
	  python3 scripts/unpack-stan-wheel.py $$tmp/httpstan-4.13.0-*.whl $(STAN_HOME) && rm -rf $$tmp || { rm -rf $$tmp; exit 1; }; \
	fi

# Debian's chromium (apt-get), only when missing: for the browser test of `sampo report`
# (Tests/SampoTests/ReportTests, which is skipped with a message without it). Sampo itself needs none.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "make test: installing chromium (for the browser test of sampo report) with apt-get"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

build: setup
	$(SWIFT) build -c release

# A default comparison: ULA, MALA and RWM on lau-gmm, 4 chains each; draws go to results/.
demo: build
	@mkdir -p results
	@for spec in ula:0.05 mala:0.3 rwm:2.0; do \
	  s=$${spec%%:*}; h=$${spec##*:}; \
	  $(SAMPO) sample --target lau-gmm --sampler $$s --step-size $$h --chains 4 --steps 50000 --warmup 2000 \
	    --seed $(DEMO_SEED) --draws results/demo-$$s.csv --report results/demo-$$s.json || exit $$?; \
	  echo; \
	done
	@echo "draws and run reports are in results/"

# The whole test suite: every notebook command at a small budget (Stan models compiled into the
# tests' own cache, which the Swift tests then reuse), the downstream package that
# uses Sampo by path through public API only, then the library's tests in release mode
# (statistical tests are too slow in debug builds).
test: setup browser
	$(SWIFT) build -c release
	SAMPO_CACHE=$(CURDIR)/.build/stan-test-cache bash notebooks-md/run.sh --check
	$(SWIFT) test --package-path Examples/Downstream --disable-swift-testing
	$(SWIFT) test -c release --disable-swift-testing

# Slurm's controller, node daemon and client commands and munge (apt-get), only when missing: for
# `cluster-test` (Sampo itself needs none of them; `sampo cluster submit --dry-run` works without).
slurm:
	@if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || \
	    ! command -v sbatch >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then \
	  echo "make cluster-test: installing slurmctld, slurmd, slurm-client and munge with apt-get"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null; \
	fi

# A one-node Slurm started in a scratch folder runs a comparison grid as a job array through
# `sampo cluster submit` and checks the merged rows against the unsharded run (Tests/Cluster).
cluster-test: slurm
	$(SWIFT) build -c release
	SAMPO=$(SAMPO) bash Tests/Cluster/slurm-test.sh

# Holds `sampo bench` against the plain C loop of ../shared/perf when it is there.
bench: build
	@if [ -x ../shared/perf/compare.sh ] || [ -f ../shared/perf/compare.sh ]; then \
	  bash ../shared/perf/compare.sh $(SAMPO); \
	else \
	  $(SAMPO) bench; \
	fi

# Reruns every notebook command at full budget and refreshes tables and figures (about 90 minutes on 2 cores).
notebooks: build
	bash notebooks-md/run.sh

# DocC documentation: one combined archive of the umbrella module and the five library modules,
# linked to each other, as static HTML in docs/api/ (open docs/api/documentation/sampo/index.html
# through a web server, or `swift package preview-documentation --target Sampo`).
DOC_TARGETS := Sampo SampoCore SampoDiagnostics SampoRuns SampoFiles SampoStan
docs: setup
	@rm -rf docs/api && mkdir -p docs/api
	$(SWIFT) package --allow-writing-to-directory docs/api generate-documentation \
	  --enable-experimental-combined-documentation $(addprefix --target ,$(DOC_TARGETS)) \
	  --output-path docs/api --transform-for-static-hosting --warnings-as-errors
	@echo "documentation in docs/api/ (start at documentation/sampo/)"

clean:
	rm -rf .build results docs/api Examples/Downstream/.build

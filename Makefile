# Convenience front end over meson/ninja. `make demo` and `make check` are
# the two commands of README.md.
BUILD      ?= build
BUILD_ASAN ?= build-asan
PREFIX     ?= /usr/local
DESTDIR    ?=

.PHONY: all deps build demo check check-layers check-unit check-asan check-topo check-kernel fuzz-smoke install clean format format-check chaos

all: build

deps:
	./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: deps build
	./scripts/demo.sh

# Every test suite: unit (+ bad configs, examples), the same under
# ASan+UBSan, topology tests in network namespaces, and the kernel-lab
# tests (vlan, bond, lacp) under a kernel that has 8021q and bonding.
check: deps
	./scripts/check.sh

# A chaos soak (root): seeded random faults, convergence checked from
# outside after each (tests/chaos/README.md). make chaos SEED=3 STEPS=1000;
# BUILD=build-chaos make chaos runs another build dir's binaries.
SEED  ?= 1
STEPS ?= 100
chaos: build
	VIPD_BUILD=$(abspath $(BUILD)) /usr/bin/python3 tests/chaos/run.py --seed $(SEED) --steps $(STEPS)

# The layering check (scripts/check-layers.py, docs/architecture.md): its
# selftest on planted violations, then src/ against the build's objects.
check-layers: build
	/usr/bin/python3 scripts/check-layers.py --selftest
	/usr/bin/python3 scripts/check-layers.py --build $(BUILD)

check-unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

check-asan:
	[ -f $(BUILD_ASAN)/build.ninja ] || meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(BUILD_ASAN)
	meson test -C $(BUILD_ASAN) --suite unit --print-errorlogs

# PREFIX is applied even when $(BUILD) was configured earlier with another one.
install: build
	meson configure $(BUILD) -Dprefix=$(PREFIX)
	DESTDIR=$(DESTDIR) meson install -C $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) build-fuzz

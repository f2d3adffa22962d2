#!/bin/bash
# test.sh -- everything `make test` runs, in order, on a fresh Debian 12
# machine (as root it installs the packages it needs first):
#
#   1. formatting check (clang-format)
#   2. hosted build (gcc -Werror) and every CTest test in it: unit tests,
#      and the interop tests with real peers (they need root for network
#      namespaces; without root they fail, they do not skip)
#   3. the unit tests again under ASan+UBSan
#   4. every libFuzzer target for KESTREL_FUZZ_SECONDS (default 10) each
#   5. the Cortex-M3 firmware (arm-none-eabi-gcc -Werror), its size, and a
#      QEMU boot smoke test (banner, `ps` over the UART, clean exit)
#
# Each step runs even if an earlier one failed; the last line sums up every
# test as "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${KESTREL_FUZZ_SECONDS:-10}
pass=0
fail=0
failed_steps=()

step() { printf '\n=== %s\n' "$*"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); failed_steps+=("$1"); }

# count_ctest LOG: adds CTest's passed/failed counts from its summary line
count_ctest() {
	local line total failed
	line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -n1)
	if [ -z "$line" ]; then
		bad "$2 (no ctest summary)"
		return
	fi
	failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
	total=$(echo "$line" | sed -E 's/.* failed out of ([0-9]+).*/\1/')
	pass=$((pass + total - failed))
	fail=$((fail + failed))
	[ "$failed" -eq 0 ] || failed_steps+=("$2")
}

run_ctest() { # DIR NAME [ctest args...]
	local dir=$1 name=$2 log
	shift 2
	log=$dir/ctest.log
	ctest --test-dir "$dir" --output-on-failure -j "$JOBS" "$@" 2>&1 | tee "$log"
	count_ctest "$log" "$name"
}

step "dependencies"
if scripts/deps.sh test; then ok; else bad deps; fi

step "format"
if scripts/check-format.sh; then ok; else bad format; fi

step "hosted build (gcc, -Werror) and tests"
if cmake -S . -B "$BUILD/hosted" -G Ninja -DKESTREL_BOARD=hosted >/dev/null &&
	ninja -C "$BUILD/hosted"; then
	ok
	run_ctest "$BUILD/hosted" "hosted tests"
else
	bad "hosted build"
fi

step "unit tests under ASan+UBSan"
if cmake -S . -B "$BUILD/asan" -G Ninja -DKESTREL_SANITIZE=ON >/dev/null &&
	ninja -C "$BUILD/asan"; then
	ok
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		run_ctest "$BUILD/asan" "asan unit tests" -L unit
else
	bad "asan build"
fi

step "fuzzers (${FUZZ_SECONDS}s each)"
if CC=clang cmake -S . -B "$BUILD/fuzz" -G Ninja -DKESTREL_FUZZ=ON \
	-DKESTREL_FUZZ_SECONDS="$FUZZ_SECONDS" >/dev/null && ninja -C "$BUILD/fuzz"; then
	ok
	run_ctest "$BUILD/fuzz" "fuzzers" -L fuzz
else
	bad "fuzz build"
fi

step "Cortex-M3 firmware (arm-none-eabi-gcc, -Werror), size and QEMU smoke test"
Q="$BUILD/qemu-mps2-an385"
if cmake -S . -B "$Q" -G Ninja -DKESTREL_BOARD=qemu-mps2-an385 \
	-DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-arm-none-eabi.cmake" >/dev/null &&
	ninja -C "$Q"; then
	ok
	scripts/size-report.sh "$Q" || true
	if python3 scripts/qemu-smoke.py "$Q/boards/qemu-mps2-an385/kestrel.elf" --net --porttest; then
		ok
	else
		bad "qemu smoke test"
	fi
else
	bad "qemu build"
fi

echo
if [ "$fail" -ne 0 ]; then
	echo "failed: ${failed_steps[*]}"
fi
echo "kestrel: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

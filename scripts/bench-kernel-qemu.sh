#!/bin/sh
# Kernel micro-benchmarks on the Cortex-M3 port, in instructions.
#
#   scripts/bench-kernel-qemu.sh [BUILD_DIR]     (default build/cm-qemu)
#
# Configures BUILD_DIR for qemu-mps2-an385 if needed, builds kbench.elf
# and runs it in QEMU with -icount shift=0,sleep=off, where virtual time
# advances 1 ns per instruction; the firmware reads SysTick-based time and
# prints instructions per operation (see bench/kernel/kbench.c). Checks
# that the calibration loop reads within 1% of its instruction count and
# that the firmware exits with status 0.
set -eu

case "${1:-}" in
-h | --help)
	sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${1:-$ROOT/build/cm-qemu}
QEMU=${QEMU:-qemu-system-arm}
ELF=$BUILD_DIR/bench/kernel/kbench.elf

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
	cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja \
		-DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-arm-none-eabi.cmake" \
		-DKESTREL_BOARD=qemu-mps2-an385 >/dev/null
fi
ninja -C "$BUILD_DIR" kbench.elf >/dev/null

out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
timeout "${TIMEOUT:-120}" "$QEMU" -M mps2-an385 -display none -monitor none -serial stdio \
	-semihosting-config enable=on,target=native -icount shift=0,sleep=off \
	-kernel "$ELF" </dev/null >"$out" || status=$?

tr -d '\r' <"$out" | sed -n '/^kbench:/,$p'

if [ "$status" -ne 0 ]; then
	echo "bench-kernel-qemu: FAIL (exit status $status)" >&2
	exit 1
fi
# "calibration: N loop instructions read as M ns": want |M - N| <= N / 100.
if ! tr -d '\r' <"$out" | awk '/^calibration:/ { n = $2; m = $7; d = m - n; if (d < 0) d = -d;
	found = 1; ok = d * 100 <= n } END { exit !(found && ok) }'; then
	echo "bench-kernel-qemu: FAIL (clock does not count instructions; -icount broken?)" >&2
	exit 1
fi

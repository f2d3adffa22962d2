#!/bin/sh
# Code size of the Cortex-M firmware build.
#
#   scripts/size-report.sh [BUILD_DIR]      (default build/cm-qemu)
#
# Prints text/data/bss of the kernel library (sum over the members of
# libkestrel_kernel.a, `size -t`), of the other libraries that go into the
# image, and of the linked firmware kestrel.elf. Library sums count every
# function; the ELF is after --gc-sections, so it can be smaller than the
# sum of its parts.
set -eu

BUILD_DIR=${1:-build/cm-qemu}
SIZE=${SIZE:-arm-none-eabi-size}

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
if [ ! -d "$BUILD_DIR" ]; then
	echo "size-report: $BUILD_DIR: no such build directory" >&2
	exit 2
fi

# lib_total NAME ARCHIVE: one row with the "(TOTALS)" line of size -t.
lib_total() {
	if [ ! -f "$2" ]; then
		printf '%-24s %8s %8s %8s   (not built)\n' "$1" - - -
		return 1
	fi
	"$SIZE" -t "$2" | awk -v n="$1" '/\(TOTALS\)/ { printf "%-24s %8d %8d %8d\n", n, $1, $2, $3 }'
}

printf '%-24s %8s %8s %8s\n' "" text data bss
status=0
lib_total libkestrel_kernel.a "$BUILD_DIR/kernel/libkestrel_kernel.a" || status=1
lib_total libkestrel_arch.a "$BUILD_DIR/arch/cortex-m/libkestrel_arch.a" || true
lib_total libkestrel_lib.a "$BUILD_DIR/kernel/lib/libkestrel_lib.a" || true
lib_total libkestrel_shell_core.a "$BUILD_DIR/kernel/shell/libkestrel_shell_core.a" || true
lib_total libkestrel_shell.a "$BUILD_DIR/kernel/shell/libkestrel_shell.a" || true
lib_total libkestrel_uart_cmsdk.a "$BUILD_DIR/drivers/uart/libkestrel_uart_cmsdk.a" || true

for elf in "$BUILD_DIR"/boards/*/kestrel.elf; do
	if [ -f "$elf" ]; then
		"$SIZE" "$elf" | awk 'NR == 2 { printf "%-24s %8d %8d %8d\n", "kestrel.elf", $1, $2, $3 }'
	else
		printf '%-24s %8s %8s %8s   (not built)\n' kestrel.elf - - -
		status=1
	fi
done
exit $status

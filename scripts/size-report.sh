#!/bin/sh
# Code size and RAM of the Cortex-M firmware build.
#
#   scripts/size-report.sh [BUILD_DIR]      (default build/cm-qemu)
#
# Prints text/data/bss of the kernel library (sum over the members of
# libkestrel_kernel.a, `size -t`), of the other libraries that go into the
# image, and of the linked firmware kestrel.elf. Library sums count every
# function; the ELF is after --gc-sections, so it can be smaller than the
# sum of its parts. Then, from the linker map, what each library really
# takes in kestrel.elf (alignment padding not counted), and the image's
# flash and RAM: .data + .bss + the boot/handler stack memory.ld reserves.
set -eu

BUILD_DIR=${1:-build/cm-qemu}
SIZE=${SIZE:-arm-none-eabi-size}
NM=${NM:-arm-none-eabi-nm}

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
	sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
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

# map_by_library MAP: text/data/bss per library (or object) linked into the
# image, from the input sections of a GNU ld map, largest RAM first.
map_by_library() {
	awk '
	function hex(s,   i, v) {	# mawk has no strtonum
		v = 0
		s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++) {
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		}
		return v
	}
	/^Linker script and memory map/ { on = 1; next }
	!on { next }
	/^[^ \t]/ {		# an output section: what its input sections count as
		sec = $1
		kind = ""
		if (sec == ".data" || sec == ".bss") {
			kind = substr(sec, 2)
		} else if (sec == ".text" || sec == ".rodata" || sec == "shell_cmds" ||
			   sec == ".ARM.exidx" || sec == ".ARM.extab") {
			kind = "text"
		}
		next
	}
	kind == "" { next }
	/^ [^ *]/ && NF == 1 { pending = 1; next }	# a long input section name
	{
		if (/^ [^ *]/ && NF == 4) { size = $3; file = $4 }
		else if (pending && /^  +0x/ && NF == 3) { size = $2; file = $3 }
		else { pending = 0; next }
		pending = 0
		if (size !~ /^0x/) { next }
		sub(/\(.*/, "", file)	# archive(member) -> archive
		n = split(file, p, "/"); lib = p[n]
		if (lib ~ /\.obj$|\.o$/) { lib = "(board-sources)" }
		v = hex(size)
		if (v == 0) { next }
		libs[lib] = 1
		tot[lib, kind] += v
	}
	END {
		for (l in libs) {
			printf "%-24s %8d %8d %8d\n", l, tot[l, "text"], tot[l, "data"], tot[l, "bss"]
		}
	}' "$1" | sort -k4,4nr -k2,2nr
}

printf '%-24s %8s %8s %8s\n' "" text data bss
status=0
lib_total libkestrel_kernel.a "$BUILD_DIR/kernel/libkestrel_kernel.a" || status=1
lib_total libkestrel_arch.a "$BUILD_DIR/arch/cortex-m/libkestrel_arch.a" || true
lib_total libkestrel_lib.a "$BUILD_DIR/kernel/lib/libkestrel_lib.a" || true
lib_total libkestrel_shell_core.a "$BUILD_DIR/kernel/shell/libkestrel_shell_core.a" || true
lib_total libkestrel_shell.a "$BUILD_DIR/kernel/shell/libkestrel_shell.a" || true
lib_total libkestrel_uart_cmsdk.a "$BUILD_DIR/drivers/uart/libkestrel_uart_cmsdk.a" || true

elfs=""
for elf in "$BUILD_DIR"/boards/*/kestrel.elf; do
	if [ -f "$elf" ]; then
		"$SIZE" "$elf" | awk 'NR == 2 { printf "%-24s %8d %8d %8d\n", "kestrel.elf", $1, $2, $3 }'
		elfs="$elfs $elf"
	else
		printf '%-24s %8s %8s %8s   (not built)\n' kestrel.elf - - -
		status=1
	fi
done

for elf in $elfs; do
	if [ -f "$elf.map" ]; then
		printf '\n%-24s %8s %8s %8s\n' "in kestrel.elf" text data bss
		map_by_library "$elf.map"
	fi
	# RAM: static data and bss, plus the boot/handler stack memory.ld reserves.
	stack=$("$NM" "$elf" | awk '$3 == "__stack_size" { print $1 }')
	stack=$((0x${stack:-0}))
	"$SIZE" "$elf" | awk -v stack="$stack" 'NR == 2 {
		ram = $2 + $3
		printf "\nkestrel.elf flash: %d bytes (%.1f KiB: text + data)\n", $1 + $2, ($1 + $2) / 1024
		printf "kestrel.elf RAM:   %d bytes (%.1f KiB) = data %d + bss %d + handler stack %d\n",
		       ram + stack, (ram + stack) / 1024, $2, $3, stack
	}'
done
exit $status

#!/bin/bash
# bench-section.sh -- prints the MCTP benchmark section of docs/benchmarks.md
# (scripts/bench.sh runs every bench/*/bench-section.sh). Starts a hosted
# device with both MCTP links and measures, over the pty (serial) and the
# USB socket: echo round trips/s and latency, bench stream kB/s, NVMe-MI
# Identify latency through nvme-cli + libafmctp, and the callgrind count of
# instructions per 64-byte packet on the receive path.
#   BUILD=build/hosted bench/mctp/bench-section.sh
set -eu
cd "$(dirname "$0")/../.."
case "${1:-}" in -h | --help)
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
B=${BUILD:-build/hosted}
K=$B/kestrel
T=$B/kestrel-mctp
A=$B/tools/afmctp/libafmctp.so
R=$B/tests/unit/mctp/bench_mctp_rx
dir=$(mktemp -d)
trap 'exec 3>&-; kill $dev 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
mkfifo "$dir/in"
"$K" --net none --mctp-usb "$dir/usb" --mctp-serial "$dir/pty" <"$dir/in" >"$dir/log" 2>&1 &
dev=$!
exec 3>"$dir/in"
for _ in $(seq 50); do grep -q "usb link on" "$dir/log" && break; sleep 0.1; done
"$T" --serial "$dir/pty" setup >/dev/null

val() { sed -n "s|.*$1 \([0-9.]*\).*|\1|p" | head -1; }
echo "## MCTP (hosted device, kestrel-mctp, nvme-cli)"
echo
echo '```'
echo "\$ kestrel-mctp --serial PTY|--usb SOCK echo -n 5000 -s 64 / -s random; bench -t 3 [-s 3951]"
echo "\$ LD_PRELOAD=libafmctp.so nvme id-ctrl mctp:1,9   (x50, wall time)"
echo "\$ valgrind --tool=callgrind --toggle-collect=bench_rx_all $R"
echo '```'
echo
echo "| measurement | serial (pty, MTU 64) | USB socket (MTU 247) |"
echo "|---|---|---|"
row() { # TITLE ARGS... (run on both links, print the number after KEY)
	local title=$1 key=$2
	shift 2
	local s u
	s=$("$T" --serial "$dir/pty" "$@" | val "$key")
	u=$("$T" --usb "$dir/usb" "$@" | val "$key")
	echo "| $title | $s | $u |"
}
row "echo round trips/s, 64 B" "round trips/s:" echo -n 5000 -s 64
row "echo avg latency ms, 64 B" "avg" echo -n 5000 -s 64
row "echo kB/s each way, random sizes to 64 KiB" "throughput:" echo -n 1000 -s random
row "bench kB/s, 100 B messages" "s:" bench -t 3
row "bench kB/s, 3951 B messages" "s:" bench -t 3 -s 3951
ident() { # ENV: average ms per nvme id-ctrl
	local t0 t1
	t0=$(date +%s%N)
	for _ in $(seq 50); do env "$@" LD_PRELOAD="$A" nvme id-ctrl mctp:1,9 >/dev/null; done
	t1=$(date +%s%N)
	echo "scale=2; ($t1 - $t0) / 50 / 1000000" | bc
}
if command -v nvme >/dev/null && [ -f "$A" ]; then
	echo "| nvme id-ctrl via libafmctp, ms per run (process start included) |" \
		"$(ident KESTREL_MCTP_SERIAL="$dir/pty") | $(ident KESTREL_MCTP_USB="$dir/usb") |"
fi
ir=$(valgrind --tool=callgrind --callgrind-out-file="$dir/cg" --toggle-collect=bench_rx_all \
	"$R" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
echo
echo "Receive path (DSP0253 deframe + FCS + reassembly + dispatch), gcc -O2:" \
	"$((ir / 1000)) instructions per 64-byte packet (target <= 1000; was 1083)."
echo

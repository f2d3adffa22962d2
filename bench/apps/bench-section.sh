#!/bin/bash
# bench-section.sh -- prints the HTTP benchmark section of docs/benchmarks.md
# (scripts/bench.sh runs every bench/*/bench-section.sh). Starts the hosted
# device on a TAP in a fresh network namespace (device 10.77.0.2, Linux
# 10.77.0.1) and runs wrk (Debian) against its status page, a static file and
# /api/status, side by side with the same files served by `busybox httpd` on
# the Linux kernel in the same namespace, each WRK_RUNS times (median shown).
# Servers on CPU 1, wrk on CPU 0, as in bench/net. Needs root (namespace, TAP).
#   BUILD=build/hosted [WRK_SECONDS=3 WRK_RUNS=3] bench/apps/bench-section.sh
set -eu
cd "$(dirname "$0")/../.."
case "${1:-}" in -h | --help)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
B=${BUILD:-build/hosted}
K=$B/kestrel
DUR=${WRK_SECONDS:-3}
RUNS=${WRK_RUNS:-3}
CONN=4 # CONFIG_HTTPD_MAX_CONN: more would be answered 503
for t in wrk busybox ip taskset; do
	command -v $t >/dev/null || {
		echo "bench/apps: $t is not installed (scripts/deps.sh test)" >&2
		exit 1
	}
done
[ "$(id -u)" -eq 0 ] || {
	echo "bench/apps: needs root (network namespace, TAP)" >&2
	exit 1
}
[ -x "$K" ] || {
	echo "bench/apps: $K not built" >&2
	exit 1
}
# Servers on CPU 1, wrk on CPU 0 (when there are two CPUs). Unpinned, the
# device (a host thread per task, handing the CPU to each other) ran either
# at ~5k or ~25k req/s from one run to the next on a 2-CPU machine.
if [ "$(nproc)" -ge 2 ]; then
	DEVPIN="taskset -c 1"
	CLIPIN="taskset -c 0"
else
	DEVPIN=""
	CLIPIN=""
fi
ns=kbench$$
dir=$(mktemp -d)
dev=
bb=
cleanup() {
	exec 3>&- 2>/dev/null || true
	[ -n "$bb" ] && kill "$bb" 2>/dev/null
	[ -n "$dev" ] && kill "$dev" 2>/dev/null
	wait 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns"
nsx() { ip netns exec "$ns" "$@"; }
# background jobs: `ip netns exec` execs the program, so $! is its pid (a
# shell function run with & would be a subshell whose child outlives kill)
nsbg() { exec ip netns exec "$ns" "$@"; }
nsx ip link set lo up
mkfifo "$dir/in"
nsbg $DEVPIN "$K" --net tap:ktap0 --ip 10.77.0.2/24 --gw 10.77.0.1 --no-mctp-serial <"$dir/in" >"$dir/log" 2>&1 &
dev=$!
exec 3>"$dir/in"
for _ in $(seq 100); do grep -q "httpd: status page" "$dir/log" && nsx ip link show ktap0 >/dev/null 2>&1 && break; sleep 0.1; done
nsx ip addr add 10.77.0.1/24 dev ktap0
nsx ip link set ktap0 up
D=http://10.77.0.2
L=http://10.77.0.1:8080
for _ in $(seq 50); do nsx wrk -t1 -c1 -d1s "$D/" >/dev/null 2>&1 && break; sleep 0.2; done
# the same bytes for busybox: the page and stylesheet from the image, a
# snapshot of /api/status as a static file
mkdir -p "$dir/www/api"
cp apps/httpd/www/index.html apps/httpd/www/style.css "$dir/www/"
nsx wget -q -O "$dir/www/api/status.json" "$D/api/status" 2>/dev/null ||
	nsx busybox wget -q -O "$dir/www/api/status.json" "$D/api/status"
nsbg $DEVPIN busybox httpd -f -p 10.77.0.1:8080 -h "$dir/www" &
bb=$!
sleep 0.3

# run URL -> "req/s|avg latency|p99 latency|non-2xx|socket errors"
run() {
	local out rps avg p99 err sock
	out=$(nsx $CLIPIN wrk -t1 -c$CONN -d${DUR}s --latency "$1" 2>&1)
	rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')
	avg=$(echo "$out" | awk '$1 == "Latency" { print $2; exit }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2; exit }')
	err=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
	sock=$(echo "$out" | sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1+\2+\3+\4/p')
	printf '%.0f|%s|%s|%s|%s\n' "${rps:-0}" "${avg:-?}" "${p99:-?}" "${err:-0}" "$((${sock:-0}))"
}

# row WHAT SERVER RUN...: the median run by req/s, the range, all runs' errors
row() {
	local what=$1 server=$2 r a p e lo hi err=0 sock=0
	shift 2
	IFS='|' read -r r a p _ _ <<<"$(printf '%s\n' "$@" | sort -t'|' -k1,1n | sed -n "$(((${#@} + 1) / 2))p")"
	lo=$(printf '%s\n' "$@" | cut -d'|' -f1 | sort -n | head -n1)
	hi=$(printf '%s\n' "$@" | cut -d'|' -f1 | sort -n | tail -n1)
	for x in "$@"; do
		IFS='|' read -r _ _ _ e s <<<"$x"
		err=$((err + e))
		sock=$((sock + s))
	done
	echo "| $what | $server | $r | $lo-$hi | $a | $p | $err non-2xx, $sock socket |"
}

echo "## HTTP server (hosted device vs busybox httpd on Linux, same TAP namespace)"
echo
echo '```'
echo "\$ $CLIPIN wrk -t1 -c$CONN -d${DUR}s --latency http://10.77.0.2/...     # Kestrel httpd: $DEVPIN kestrel --net tap:..."
echo "\$ $DEVPIN busybox httpd -f -p 10.77.0.1:8080 -h DIR; wrk ... http://10.77.0.1:8080/...   # Linux kernel TCP"
echo '```'
echo
echo "| what | server | requests/s (median of $RUNS) | range | latency avg | latency p99 | errors (all runs) |"
echo "|---|---|---|---|---|---|---|"
for r in "status page /|/|/index.html" "static file /style.css|/style.css|/style.css" \
	"/api/status JSON|/api/status|/api/status.json"; do
	IFS='|' read -r what dp bp <<<"$r"
	kr=()
	br=()
	for _ in $(seq "$RUNS"); do # alternate, so both see the same machine load
		kr+=("$(run "$D$dp")")
		br+=("$(run "$L$bp")")
	done
	row "$what" "Kestrel (hosted)" "${kr[@]}"
	row "$what" "busybox httpd" "${br[@]}"
done
echo
echo "$CONN connections (CONFIG_HTTPD_MAX_CONN), ${DUR} s per run, $RUNS runs per row"
echo "alternating between the servers; latencies are the median run's. Kestrel"
echo "keeps connections alive (HTTP/1.1) and answers each request with one write;"
echo "busybox httpd closes after every response, so each of its requests includes a"
echo "TCP handshake and a fork. Kestrel's /api/status is built per request (time,"
echo "pools, counters; the task table with its stack scan at most every 250 ms);"
echo "busybox serves a static snapshot. Both run in the same namespace on the same"
echo "machine, pinned to one CPU with wrk on the other: the numbers compare the"
echo "servers and stacks, not a microcontroller."

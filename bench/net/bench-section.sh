#!/bin/bash
# bench-section.sh -- prints the TCP/IP section of docs/benchmarks.md
# (scripts/bench.sh runs every bench/*/bench-section.sh). Runs the Kestrel
# hosted device (twice: TAP offloads on, the default, and off) and lwip_ref
# (Debian's lwIP 2.1.3) in turn, each alone in a fresh network namespace
# with the same TAP/addresses, pinned to the same CPU, and measures from
# Linux: TCP bulk throughput both ways (chargen 19 / discard 9, best of 3),
# ping RTT (average of 100) and connection setup rate; then the Cortex-M3
# -Os code size and default RAM of net/. Root.
#   BUILD=build/hosted QBUILD=build/qemu-mps2-an385 NET_BENCH_MB=50 bench/net/bench-section.sh
set -eu
cd "$(dirname "$0")/../.."
case "${1:-}" in -h | --help)
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
B=${BUILD:-build/hosted}
Q=${QBUILD:-build/qemu-mps2-an385}
K=$B/kestrel
L=$B/bench/net/lwip_ref
MB=${NET_BENCH_MB:-50}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
NB=$PWD/bench/net/netbench.py
DEV_IP=10.79.0.2
LNX_IP=10.79.0.1
TAP=nbtap0
# Build the device and lwip_ref (not among the targets bench.sh builds);
# bench/ is globbed at configure time, so re-run cmake if ninja does not
# know lwip_ref yet.
if [ -f "$B/build.ninja" ]; then
	ninja -C "$B" kestrel >/dev/null 2>&1 || echo "bench/net: building $K failed" >&2
	ninja -C "$B" lwip_ref >/dev/null 2>&1 ||
		{ cmake -S . -B "$B" >/dev/null 2>&1 && ninja -C "$B" lwip_ref >/dev/null 2>&1; } || true
fi
dir=$(mktemp -d)
cur_ns=""
dev=""

cleanup() {
	set +e
	exec 3>&-
	[ -n "$dev" ] && kill "$dev" 2>/dev/null
	[ -n "$cur_ns" ] && ip netns del "$cur_ns" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

# Device on CPU 1, Linux clients on CPU 0 (when there are two CPUs): the
# device gets one core, like the microcontroller it stands in for.
if [ "$(nproc)" -ge 2 ]; then
	DEVPIN="taskset -c 1"
	CLIPIN="taskset -c 0"
else
	DEVPIN=""
	CLIPIN=""
fi

declare -A R

ns() { ip netns exec "$cur_ns" "$@"; }

# measure NAME READY-REGEX COMMAND...: one stack in a fresh namespace.
measure() {
	local name=$1 ready=$2
	shift 2
	cur_ns="knb$$_$name"
	ip netns del "$cur_ns" 2>/dev/null || true
	ip netns add "$cur_ns"
	ns ip link set lo up
	ns sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
	rm -f "$dir/in"
	mkfifo "$dir/in"
	# shellcheck disable=SC2086
	ip netns exec "$cur_ns" $DEVPIN "$@" <"$dir/in" >"$dir/$name.log" 2>&1 &
	dev=$!
	exec 3>"$dir/in"
	for _ in $(seq 100); do
		grep -Eq "$ready" "$dir/$name.log" && ns ip link show "$TAP" >/dev/null 2>&1 && break
		kill -0 "$dev" 2>/dev/null || break
		sleep 0.1
	done
	if ! ns ip addr add "$LNX_IP/24" dev "$TAP" 2>/dev/null; then
		echo "bench/net: $name did not start:" >&2
		tail -5 "$dir/$name.log" >&2
	else
		ns ip link set "$TAP" up
	fi
	for _ in $(seq 50); do
		ns ping -c 1 -W 1 "$DEV_IP" >/dev/null 2>&1 && break
		sleep 0.1
	done
	# shellcheck disable=SC2086
	ns ping -c 1 -W 1 "$DEV_IP" >/dev/null 2>&1 && {
		R[$name.rx]=$(ns $CLIPIN "$PY" "$NB" rx "$DEV_IP" "$MB" 3)
		R[$name.tx]=$(ns $CLIPIN "$PY" "$NB" tx "$DEV_IP" "$MB" 3)
		R[$name.rtt]=$(ns $CLIPIN ping -q -c 100 -i 0.01 "$DEV_IP" |
			sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
		R[$name.conn]=$(ns $CLIPIN "$PY" "$NB" conn "$DEV_IP" 2)
	} || echo "netbench: $name: a measurement failed" >&2
	if kill -0 "$dev" 2>/dev/null; then
		echo poweroff >&3 2>/dev/null || true
	fi
	exec 3>&-
	for _ in $(seq 20); do
		kill -0 "$dev" 2>/dev/null || break
		sleep 0.1
	done
	kill "$dev" 2>/dev/null || true
	wait "$dev" 2>/dev/null || true
	dev=""
	ip netns del "$cur_ns"
	cur_ns=""
}

ratio() { # A B: A/B to two decimals, or - if either is missing
	if [ -n "${1:-}" ] && [ -n "${2:-}" ] && [ "$2" != "0" ] && [ "$2" != "0.0" ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'
	else
		echo "-"
	fi
}

echo "## TCP/IP: Kestrel hosted vs lwIP 2.1.3 (same TAP, same machine)"
echo
echo '```'
echo "\$ bench/net/bench-section.sh   (BUILD=$B, QBUILD=$Q, NET_BENCH_MB=$MB)"
echo "  device: ip netns exec NS $DEVPIN $K --net tap:$TAP[,offload=off] --ip $DEV_IP/24 --gw $LNX_IP"
echo "      or: ip netns exec NS $DEVPIN $L --tap $TAP --ip $DEV_IP/24 --gw $LNX_IP"
echo "  Linux ($LNX_IP, in NS): $CLIPIN netbench.py rx|tx $DEV_IP $MB 3; ping -q -c 100 -i 0.01;" \
	"netbench.py conn $DEV_IP 2"
echo '```'
echo
if [ "$(id -u)" -ne 0 ]; then
	echo "Skipped the network measurements: they need root (namespaces, TAP)."
	echo
elif [ ! -x "$K" ]; then
	echo "Skipped the network measurements: $K is not built."
	echo
else
	measure kestrel 'kestrel> ' "$K" --net "tap:$TAP" --ip "$DEV_IP/24" --gw "$LNX_IP"
	measure plain 'kestrel> ' "$K" --net "tap:$TAP,offload=off" --ip "$DEV_IP/24" --gw "$LNX_IP"
	if [ -x "$L" ]; then
		measure lwip 'lwip_ref: up' "$L" --tap "$TAP" --ip "$DEV_IP/24" --gw "$LNX_IP"
	fi
	echo "| measurement | Kestrel hosted | Kestrel, offload=off | lwIP 2.1.3 ref |" \
		"Kestrel / lwIP | offload=off / lwIP |"
	echo "|---|---|---|---|---|---|"
	row() { # TITLE KEY
		local k=${R[kestrel.$2]:-} p=${R[plain.$2]:-} l=${R[lwip.$2]:-}
		echo "| $1 | ${k:--} | ${p:--} | ${l:--} | $(ratio "$k" "$l") | $(ratio "$p" "$l") |"
	}
	row "TCP device -> Linux, MB/s (chargen, $MB MB, best of 3)" rx
	row "TCP Linux -> device, MB/s (discard, $MB MB, best of 3)" tx
	row "ping RTT from Linux, ms (avg of 100; lower is better)" rtt
	row "TCP connect + close per second (sequential, 2 s)" conn
	echo
	tmet() { # KEY: is Kestrel >= 1.5 x lwIP?
		awk -v k="${R[kestrel.$1]:-0}" -v l="${R[lwip.$1]:-0}" 'BEGIN {
			if (l == 0) print "not measured"; else if (k >= 1.5 * l) print "met";
			else print "NOT met" }'
	}
	echo "Throughput target (Kestrel >= 1.5x lwIP): device -> Linux $(tmet rx)," \
		"Linux -> device $(tmet tx)."
	echo
	if [ ! -x "$L" ]; then
		echo "lwip_ref is not built (install liblwip-dev: scripts/deps.sh test, re-run cmake)."
		echo
	fi
	echo "MB = 10^6 bytes. lwip_ref is bench/net/lwip_ref.c: Debian's liblwip (sockets"
	echo "build, core locking) driven through its raw callback API, TAP read by its own"
	echo "thread into exactly sized pbufs. Kestrel serves the same ports from inetd over"
	echo "its BSD-socket layer. Target: Kestrel throughput >= 1.5x lwIP."
	echo
	echo "\"Kestrel hosted\" is the default device: its TAP driver uses virtio-net headers"
	echo "(checksum offload, TSO and merged receive segments, as a MAC with those"
	echo "offloads would; docs/drivers-eth.md). \"offload=off\" is the same binary with"
	echo "plain 1514-byte frames and software checksums, as lwip_ref runs; both columns"
	echo "are printed so the offloads' share of the difference is visible."
	echo
fi

# ---- code size and RAM, Cortex-M3 -Os ----------------------------------------
if [ ! -f "$Q/build.ninja" ] && command -v arm-none-eabi-gcc >/dev/null; then
	cmake -S . -B "$Q" -G Ninja -DKESTREL_BOARD=qemu-mps2-an385 \
		-DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-arm-none-eabi.cmake" >/dev/null
fi
if [ -f "$Q/build.ninja" ] &&
	ninja -C "$Q" kestrel_net kestrel_net_task kestrel_net_socket >/dev/null 2>&1; then
	SIZE=arm-none-eabi-size
	# sum FIELD ARCHIVE [EXCLUDED-MEMBER]: text (1), data (2) or bss (3) over members
	sum() {
		"$SIZE" "$2" | awk -v f="$1" -v x="${3:-}" 'NR > 1 && (x == "" || index($6, x) != 1) {
			s += $f } END { print s + 0 }'
	}
	# libsum ARCHIVE...: text the archives take from libkestrel_lib.a (the
	# Internet checksum, the byte cursors): every lib function they call,
	# plus the file-local helpers of the members those live in -- what the
	# linker keeps with --gc-sections.
	libsum() {
		local lib=$Q/kernel/lib/libkestrel_lib.a
		arm-none-eabi-nm -S -t d "$lib" | awk -v used="$(arm-none-eabi-nm -u "$@" |
			awk 'NF == 2 { print $2 }' | sort -u | tr '\n' ' ')" '
			BEGIN { n = split(used, u, " "); for (i = 1; i <= n; i++) want[u[i]] = 1 }
			/:$/ { m = $1; next }
			NF == 4 && $3 == "T" && ($4 in want) { s += $2; hit[m] = 1 }
			NF == 4 && $3 == "t" { loc[m] += $2 }
			END { for (m in hit) s += loc[m]; print s + 0 }'
	}
	net=$Q/net/libkestrel_net.a
	task=$Q/net/task/libkestrel_net_task.a
	sock=$Q/net/socket/libkestrel_net_socket.a
	core=$(($(sum 1 "$net" sntp.c) + $(libsum "$net")))
	full=$(($(sum 1 "$net" sntp.c) + $(sum 1 "$task") + $(sum 1 "$sock") + $(libsum "$net" "$task" "$sock")))
	printf '#include <kestrel/net/stack.h>\nstruct net_stack net_stack_probe;\n' |
		arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -Os -fno-common -Iinclude \
			-Iarch/cortex-m/include -Iboards/qemu-mps2-an385 -x c -c - -o "$dir/probe.o"
	stack_ram=$((0x$(arm-none-eabi-nm -S "$dir/probe.o" | awk '/net_stack_probe/ { print $2 }')))
	net_bss=$(($(sum 2 "$net") + $(sum 3 "$net")))
	task_bss=$(($(sum 2 "$task") + $(sum 3 "$task")))
	sock_bss=$(($(sum 2 "$sock") + $(sum 3 "$sock")))
	kb() { echo "scale=1; $1 / 1024" | bc; }
	met() { [ "$1" -le "$2" ] && echo "met" || echo "NOT met"; }
	echo "Code size, Cortex-M3 -Os ($Q, \`arm-none-eabi-size\`): the sum of the archive"
	echo "members, plus the helpers they call in libkestrel_lib.a (Internet checksum, byte"
	echo "cursors). KB = 1024 bytes. The linked image drops unused functions with"
	echo "--gc-sections, so it can be smaller:"
	echo
	echo "| configuration | text bytes | KB | target | lwIP 2.2.1 | target met |"
	echo "|---|---|---|---|---|---|"
	echo "| IPv4+ARP+ICMP+UDP+TCP+DHCP+DNS + callback API (libkestrel_net.a without sntp.c, + lib helpers) |" \
		"$core | $(kb "$core") | <= 24 KB | 30.4 KB | $(met "$core" 24576) |"
	echo "| the same + network task + BSD sockets (+ libkestrel_net_task.a, libkestrel_net_socket.a) |" \
		"$full | $(kb "$full") | <= 34 KB | 44.1 KB | $(met "$full" 34816) |"
	echo
	echo "RAM, default configuration (include/kestrel/net/config.h, tcp.h; data + bss):"
	echo
	echo "| what | bytes | KB |"
	echo "|---|---|---|"
	echo "| struct net_stack (pbuf pool $(grep -m1 'define CONFIG_NET_PBUF_COUNT' include/kestrel/net/config.h |
		awk '{print $3}') x $(grep -m1 'define CONFIG_NET_PBUF_SIZE' include/kestrel/net/config.h |
		awk '{print $3}') B, ARP, reassembly, UDP, DNS tables), one per board | $stack_ram | $(kb "$stack_ram") |"
	echo "| libkestrel_net.a static data (TCP: PCBs, buffer sets, SYN cache, segment scratch) |" \
		"$net_bss | $(kb "$net_bss") |"
	echo "| libkestrel_net_task.a (network task stack, queue) | $task_bss | $(kb "$task_bss") |"
	echo "| libkestrel_net_socket.a (socket table) | $sock_bss | $(kb "$sock_bss") |"
	echo "| total with sockets | $((stack_ram + net_bss + task_bss + sock_bss)) |" \
		"$(kb $((stack_ram + net_bss + task_bss + sock_bss))) |"
	echo
else
	echo "Code size: $Q could not be built (arm-none-eabi-gcc missing or a build error)."
	echo
fi

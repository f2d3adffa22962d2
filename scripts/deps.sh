#!/bin/sh
# deps.sh GROUP...  -- make sure the Debian packages a make target needs are
# installed. Installs only what is missing (apt-get, as root); otherwise
# prints the exact apt-get command to run and fails.
#
# Groups:
#   build   host compiler and build tools (make run, make)
#   qemu    Cortex-M cross compiler, newlib and QEMU (make qemu)
#   test    everything `make test` uses: build + qemu + clang/libFuzzer,
#           sanitizers, valgrind and the real network peers
set -eu

pkgs_build="cmake ninja-build gcc libc6-dev make python3 pkg-config libslirp-dev"
pkgs_qemu="gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm"
pkgs_test="iputils-ping clang libclang-rt-14-dev clang-format valgrind iproute2 socat netcat-openbsd
 python3-scapy python3-pexpect dnsmasq-base chrony tshark curl iperf3 nvme-cli liblwip-dev
 chromium wrk busybox telnet"

want=""
for g in "$@"; do
	case "$g" in
	build) want="$want $pkgs_build" ;;
	qemu) want="$want $pkgs_build $pkgs_qemu" ;;
	test) want="$want $pkgs_build $pkgs_qemu $pkgs_test" ;;
	-h | --help)
		sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "deps.sh: unknown group '$g' (build, qemu, test)" >&2
		exit 2
		;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "Missing Debian packages. Install them with:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing

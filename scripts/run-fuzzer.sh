#!/bin/sh
# run-fuzzer.sh FUZZER SEED_DIR WORK_DIR SECONDS
# Runs one libFuzzer target for a bounded time over a copy of its committed
# seed corpus. Exit status is the fuzzer's: non-zero on any crash, leak or
# sanitizer report.
set -eu
fuzzer=$1 seeds=$2 work=$3 secs=$4
rm -rf "$work" && mkdir -p "$work"
[ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
exec "$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	-print_final_stats=1 "$work"

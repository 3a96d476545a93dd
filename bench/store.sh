#!/bin/bash
# The history store's benchmarks: ingest rate, the size of 30 simulated
# days, a million records to JSON Lines, a snapshot of 50 instances.
#   bench/store.sh [BUILD-DIR] [ingest|size|export|snapshot ...]
# Prints the machine and each figure; record them in bench/RESULTS.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
[ $# -gt 0 ] || set -- ingest export snapshot size
make -C "$build" -s bench/store_bench
work=$(mktemp -d "${TMPDIR:-/tmp}/rdswatch-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(uname -srm), $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),"\
" $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(df -T "$work" | awk 'NR == 2 {print $2}') on $(df "$work" | awk 'NR == 2 {print $1}')"
echo "build: $(cat "$build/.configured-with" 2>/dev/null || echo default), SQLite $(pkg-config --modversion sqlite3)"
for b in "$@"; do
	"$build/bench/store_bench" "$work" "$b"
done

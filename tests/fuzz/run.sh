#!/bin/bash
# Runs every libFuzzer target built in this build (configure --enable-fuzz,
# the sanitizer build) for FUZZ_SECONDS each (default 20) on a copy of
# its seed corpus in tests/fuzz/corpus/NAME. A crash, leak or sanitizer
# report fails the test and leaves the reproducer in the log.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
seconds=${FUZZ_SECONDS:-20}
shopt -s nullglob
targets=("$top_builddir"/tests/fuzz/fuzz_*)
targets=("${targets[@]%.o}")
[ ${#targets[@]} -gt 0 ] || rw_skip "no fuzz targets built (configure --enable-fuzz, as scripts/build --asan does)"
rw_tmpdir
status=0
for t in "${targets[@]}"; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	seeds=$top_srcdir/tests/fuzz/corpus/$name
	[ -d "$seeds" ] || rw_fail "no seed corpus $seeds for $t"
	mkdir -p "$RW_TMP/$name"
	cp "$seeds"/* "$RW_TMP/$name/"
	echo "== fuzzing $name for ${seconds}s"
	(cd "$RW_TMP" && "$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$RW_TMP/$name" "$seeds") >"$RW_TMP/$name.log" 2>&1
	rc=$?
	grep -E 'DONE|stat::number_of_executed_units|stat::new_units_added' "$RW_TMP/$name.log"
	if [ $rc -ne 0 ]; then
		echo "FAIL: fuzz target $name exited $rc:"
		grep -v '^#' "$RW_TMP/$name.log" | tail -60
		status=1
	fi
done
exit $status

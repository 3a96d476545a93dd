# Shared helpers for shell tests, sourced by tests/it, tests/tui and the
# rig tests. The automake harness exports top_srcdir, top_builddir and
# RDSWATCH; standalone runs fall back to the source tree and ./build.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
: "${RDSWATCH:=$top_builddir/rdswatch}"
: "${RIG_SESSIONS:=$top_builddir/tests/rig/pg/rig-sessions}"
export top_srcdir top_builddir RDSWATCH RIG_SESSIONS

rw_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# A test that cannot run here skips (77) by hand, but fails under CI=true:
# CI always has the rigs, so a skip there hides a broken setup.
rw_skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL (CI=true forbids skipping): $*" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

rw_require_pg_rig() {
	if [ -z "${RIG_PG_DIR:-}" ] || [ ! -d "$RIG_PG_DIR" ]; then
		rw_skip "PostgreSQL rig not running (eval \"\$(tests/rig/pg/start)\")"
	fi
}

rw_require_cmd() {
	command -v "$1" >/dev/null 2>&1 || rw_skip "$1 not installed (scripts/install-deps)"
}

# rw_assert_contains HAYSTACK NEEDLE WHAT
rw_assert_contains() {
	case "$1" in
	*"$2"*) ;;
	*) rw_fail "$3: expected to find '$2' in:"$'\n'"$1" ;;
	esac
}

rw_assert_not_contains() {
	case "$1" in
	*"$2"*) rw_fail "$3: did not expect '$2' in:"$'\n'"$1" ;;
	esac
}

# rw_assert_eq ACTUAL EXPECTED WHAT
rw_assert_eq() {
	[ "$1" = "$2" ] || rw_fail "$3: expected '$2', got '$1'"
}

# A private scratch directory removed on exit.
rw_tmpdir() {
	RW_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rdswatch-test.XXXXXX")
	trap 'rm -rf "$RW_TMP"' EXIT
}

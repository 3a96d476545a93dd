#!/bin/bash
# The command line: --help, --version, usage errors and exit statuses.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_tmpdir

[ -x "$RDSWATCH" ] || rw_fail "rdswatch not built at $RDSWATCH"

# --help: on stdout, exit 0, lists options and commands.
out=$("$RDSWATCH" --help) || rw_fail "--help exited $?"
rw_assert_contains "$out" "usage: rdswatch" "--help"
rw_assert_contains "$out" "--version" "--help"
rw_assert_contains "$out" "Commands:" "--help"
[ "$("$RDSWATCH" -h)" = "$out" ] || rw_fail "-h differs from --help"

# --version: rdswatch and each linked library, with a version number read
# at run time. Check the numbers against what the libraries themselves say.
out=$("$RDSWATCH" --version) || rw_fail "--version exited $?"
rw_assert_contains "$out" "rdswatch 0." "--version"
for lib in ncurses libcurl OpenSSL cJSON SQLite libpq libxml2; do
	line=$(grep -E "^  $lib +[0-9]+\.[0-9]+" <<<"$out") ||
		rw_fail "--version does not give $lib with a version:"$'\n'"$out"
done
rw_assert_contains "$out" "SQLite   $(pkg-config --modversion sqlite3)" "--version SQLite"
rw_assert_contains "$out" "libpq    $(pkg-config --modversion libpq)" "--version libpq"
rw_assert_contains "$out" "OpenSSL  $(pkg-config --modversion libcrypto)" "--version OpenSSL"
rw_assert_contains "$out" "libcurl  $(pkg-config --modversion libcurl)" "--version libcurl"
rw_assert_contains "$out" "libxml2  $(pkg-config --modversion libxml-2.0)" "--version libxml2"
rw_assert_contains "$out" "cJSON    $(pkg-config --modversion libcjson)" "--version cJSON"
[ "$("$RDSWATCH" version)" = "$out" ] || rw_fail "'version' differs from --version"

# Usage errors: exit 2, message and usage on stderr, nothing on stdout.
check_usage_error() {
	local what=$1 expect=$2
	shift 2
	"$RDSWATCH" "$@" >"$RW_TMP/out" 2>"$RW_TMP/err"
	local rc=$?
	rw_assert_eq "$rc" 2 "$what: exit status"
	[ ! -s "$RW_TMP/out" ] || rw_fail "$what: wrote to stdout: $(cat "$RW_TMP/out")"
	rw_assert_contains "$(cat "$RW_TMP/err")" "$expect" "$what: stderr"
	rw_assert_contains "$(cat "$RW_TMP/err")" "usage: rdswatch" "$what: stderr"
}
check_usage_error "unknown long option" "unknown option '--frobnicate'" --frobnicate
check_usage_error "unknown short option" "unknown option '-Z'" -Z
check_usage_error "unknown command" "unknown command 'frobnicate'" frobnicate
check_usage_error "extra argument" "too many arguments" version extra
exit 0

#!/bin/bash
# The dashboard's command line and [ui] configuration, up to the point
# where it would take the terminal: usage errors, bad values named with
# their file and line, and the help.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_tmpdir
[ -x "$RDSWATCH" ] || rw_fail "rdswatch not built at $RDSWATCH"
export XDG_CONFIG_HOME=$RW_TMP/config

# usage_error WHAT EXPECT ARGS...: exit 2, the message and the usage line.
usage_error() {
	local what=$1 expect=$2 rc
	shift 2
	"$RDSWATCH" "$@" >"$RW_TMP/out" 2>"$RW_TMP/err" </dev/null
	rc=$?
	rw_assert_eq "$rc" 2 "$what: exit status"
	rw_assert_contains "$(cat "$RW_TMP/err")" "$expect" "$what"
	rw_assert_contains "$(cat "$RW_TMP/err")" "usage: rdswatch watch" "$what"
	[ ! -s "$RW_TMP/out" ] || rw_fail "$what: wrote to stdout"
}
usage_error "missing value" "option '--theme' needs a value" --theme
usage_error "missing value" "option '--refresh' needs a value" watch --refresh
usage_error "bad refresh" "--refresh wants a duration of at least 1s" --refresh 0
usage_error "bad refresh" "--refresh wants a duration of at least 1s" --refresh soon
usage_error "unknown option" "unknown option '--frobnicate'" --ascii --frobnicate
usage_error "extra argument" "unexpected argument 'extra'" watch extra

# --help: options and keys, on stdout.
out=$("$RDSWATCH" watch --help) || rw_fail "watch --help exited $?"
rw_assert_contains "$out" "--no-color" "watch --help"
rw_assert_contains "$out" "Keys (everywhere):" "watch --help"
rw_assert_contains "$out" "Keys in Alerts:" "watch --help"
rw_assert_eq "$("$RDSWATCH" --theme light -h)" "$out" "options then -h"
rw_assert_contains "$("$RDSWATCH" help watch)" "usage: rdswatch watch" "help watch"

# [ui] keys: a bad value names the file, the line and the key; an unknown
# key is a warning with its line.
mkdir -p "$XDG_CONFIG_HOME/rdswatch"
cfg=$XDG_CONFIG_HOME/rdswatch/config
printf '[ui]\ntheme = light\ncolor = maybe\n' >"$cfg"
out=$("$RDSWATCH" </dev/null 2>&1)
rw_assert_eq "$?" 1 "bad [ui] color: exit status"
rw_assert_contains "$out" "config:3" "bad [ui] color"
rw_assert_contains "$out" "color" "bad [ui] color"
printf '[ui]\nrefresh = 500ms\n' >"$cfg"
out=$("$RDSWATCH" </dev/null 2>&1)
rw_assert_eq "$?" 1 "bad [ui] refresh: exit status"
printf '[ui]\nrefresh = 0\n' >"$cfg"
out=$("$RDSWATCH" </dev/null 2>&1)
rw_assert_contains "$out" "[ui] refresh must be at least 1s" "zero [ui] refresh"
printf '[ui]\ntheme = nosuch\n' >"$cfg"
out=$("$RDSWATCH" </dev/null 2>&1)
rw_assert_contains "$out" "theme 'nosuch' not found" "[ui] theme"
rw_assert_contains "$out" "$XDG_CONFIG_HOME/rdswatch/themes" "[ui] theme: where it looked"
# Your own theme, by name; then the command line wins over the file.
mkdir -p "$XDG_CONFIG_HOME/rdswatch/themes"
printf '[colors]\nok = green,default\nwarning = black,orange\n' >"$XDG_CONFIG_HOME/rdswatch/themes/nosuch.theme"
out=$("$RDSWATCH" </dev/null 2>&1)
rw_assert_contains "$out" "nosuch.theme:3: 'orange' is not a colour" "a broken theme of one's own"
out=$("$RDSWATCH" --theme light </dev/null 2>&1)
rw_assert_contains "$out" "needs a terminal" "--theme over [ui] theme"
printf '[ui]\nthemes = light\n' >"$cfg"
out=$("$RDSWATCH" </dev/null 2>&1)
rw_assert_contains "$out" "config:2" "unknown [ui] key"
rw_assert_contains "$out" "needs a terminal" "unknown [ui] key is only a warning"
out=$("$RDSWATCH" --config "$RW_TMP/none" </dev/null 2>&1)
rw_assert_eq "$?" 1 "missing --config: exit status"
rw_assert_contains "$out" "$RW_TMP/none" "missing --config"
exit 0

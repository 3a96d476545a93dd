#!/bin/bash
# The manual: rdswatch(1) and rdswatch.conf(5) render without a warning
# from mandoc or groff; every option that `rdswatch --help` and every
# command's --help list and every key of the key table is in rdswatch(1);
# every config key rdswatch knows and every theme role is in
# rdswatch.conf(5).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
rw_require_cmd mandoc
rw_require_cmd groff
[ -x "$RDSWATCH" ] || rw_fail "rdswatch not built at $RDSWATCH"

for page in "$top_srcdir/man/rdswatch.1" "$top_srcdir/man/rdswatch.conf.5"; do
	out=$(mandoc -T lint -W all "$page" 2>&1) || rw_fail "mandoc -T lint $page:"$'\n'"$out"
	[ -z "$out" ] || rw_fail "mandoc -T lint $page:"$'\n'"$out"
	out=$(groff -man -ww -z "$page" 2>&1)
	[ -z "$out" ] || rw_fail "groff -man -ww -z $page:"$'\n'"$out"
done

# The pages as a reader sees them (ASCII, no overstriking, long lines).
render() {
	groff -man -Tascii -P-cbou -rLL=250n "$1" 2>/dev/null
}
man1=$(render "$top_srcdir/man/rdswatch.1")
man5=$(render "$top_srcdir/man/rdswatch.conf.5")

# Options: every --long and -x in the help texts of rdswatch and of every
# command in its command table.
commands=$("$RDSWATCH" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ "$(wc -w <<<"$commands")" -ge 5 ] || rw_fail "too few commands in --help: $commands"
help=$("$RDSWATCH" --help
	for c in $commands; do
		"$RDSWATCH" "$c" --help 2>&1
	done)
n=0
for opt in $(grep -E '^  -' <<<"$help" | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z-]*' |
	tr -d ' ,' | sort -u); do
	grep -qF -- "$opt" <<<"$man1" || rw_fail "rdswatch(1) does not document $opt"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || rw_fail "only $n options found in the help"

# Keys: each key-table entry's names ("q, F10") begin a tagged paragraph
# of the KEYS section.
keys=$("$RDSWATCH" watch --help | sed -n '/^Keys/,$p' | grep -E '^  ' |
	sed -E 's/^  (.{16}).*/\1/; s/ +$//')
[ "$(wc -l <<<"$keys")" -ge 30 ] || rw_fail "too few keys in watch --help"
section=$(sed -n '/^KEYS/,/^THEMES/p' <<<"$man1")
missing=$(/usr/bin/python3 -c '
import sys
section = sys.argv[1].splitlines()
starts = [l.strip() for l in section]
for names in sys.argv[2].splitlines():
    if not any(s == names or s.startswith(names + " ") for s in starts):
        print(names)
' "$section" "$keys")
[ -z "$missing" ] || rw_fail "keys missing from rdswatch(1) KEYS:"$'\n'"$missing"

# rdswatch.conf(5): every key of the config key table (src/core/config_keys.c,
# including keys declared through a macro for several sections) begins a
# tagged paragraph ("  key = ...") of the page, and every colour role.
keys=$(grep -oE '\{ *("[a-z]+"|sec), *"[a-z_.]+"' "$top_srcdir/src/core/config_keys.c" |
	sed -E 's/.*, *"([a-z_.]+)"/\1/' | sort -u)
[ "$(wc -w <<<"$keys")" -ge 40 ] || rw_fail "too few config keys found: $keys"
undocumented=
for key in $keys; do
	grep -qE "^ +$key( = |$| \()" <<<"$man5" || undocumented+=" $key"
done
[ -z "$undocumented" ] || rw_fail "rdswatch.conf(5) does not document these keys:$undocumented"
for role in normal $(sed -n 's/^\([a-z]*\) *=.*/\1/p' "$top_srcdir/themes/default.theme"); do
	grep -qE "^ +$role( |$)" <<<"$man5" || rw_fail "rdswatch.conf(5) does not document the role $role"
done
exit 0

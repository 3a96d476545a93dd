#!/bin/bash
# Mechanical rules every C file follows:
# - its first #include is <config.h> (with angle brackets: a quoted
#   "config.h" in src/core/ would find src/core/config.h, rdswatch's
#   config module, instead of the build's feature macros);
# - no unfinished markers in product code.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/common.sh"
cd "$top_srcdir" || rw_fail "no source tree"
bad=0
while IFS= read -r f; do
	first=$(grep -m1 '^#include' "$f")
	if [ "$first" != "#include <config.h>" ]; then
		echo "$f: first include is '$first', expected '#include <config.h>'"
		bad=1
	fi
done < <(git ls-files 'src/*.c' 'tests/*.c' 2>/dev/null || find src tests -name '*.c')
if grep -rn -E '\b(TODO|FIXME|XXX)\b|not implemented|unimplemented' src; then
	echo "unfinished markers in src/ (above)"
	bad=1
fi
exit $bad

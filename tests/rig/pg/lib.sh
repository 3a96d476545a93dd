# Shared by the rig's scripts: finds the rig-sessions helper, built by
# `make` into the build tree (RIG_SESSIONS when the test harness runs us).
rig_sessions_bin() {
	local here cand
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	for cand in "${RIG_SESSIONS:-}" "$here/rig-sessions" \
		"$here/../../../build/tests/rig/pg/rig-sessions" \
		"$here/../../../build-asan/tests/rig/pg/rig-sessions"; do
		if [ -n "$cand" ] && [ -x "$cand" ]; then
			echo "$cand"
			return 0
		fi
	done
	echo "rig/pg: rig-sessions is not built (scripts/build, or set RIG_SESSIONS)" >&2
	return 1
}

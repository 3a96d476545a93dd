#!/bin/bash
# The real dashboard code (options, themes, terminal, loop) on a fleet
# loaded by tests/tui/dash_fixture: hostile strings from the database
# show as harmless text and leave the terminal's title alone, colours and
# words mark severity, a new critical alert is in reverse video for a few
# seconds, and an acknowledgement typed at the prompt takes effect.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
[ -x "$DASH_FIXTURE" ] || rw_fail "dash_fixture not built at $DASH_FIXTURE"

dash_start 200 60 env TERM=xterm-256color "$DASH_FIXTURE"
dash_wait_ready
title=$(rw_tmux display-message -p -t =t: '#{pane_title}')

# A new critical alert: in reverse video at first (SGR 7 on its line),
# then not, the word CRIT there throughout.
banner=$(rw_tmux capture-pane -e -p -t =t: | sed -n 59p)
rw_assert_contains "$banner" "CRIT 1 active critical alert: Plaintext session" "banner"
reverse='\e\[(?:\d+;)*7(?:;\d+)*m'	# SGR 7 as a whole parameter
grep -qP "$reverse" <<<"$banner" || rw_fail "new critical alert not in reverse video"
sleep 6
banner=$(rw_tmux capture-pane -e -p -t =t: | sed -n 59p)
rw_assert_contains "$banner" "CRIT 1 active critical alert" "banner later"
grep -qP "$reverse" <<<"$banner" && rw_fail "still in reverse video after the attention period"
# Critical is coloured (white on red in the default theme) as well.
dash_colours | grep -qx 41 || rw_fail "no red background for critical"

# Sessions: hostile role and query are visible escapes, nothing else.
dash_keys 3
dash_wait_line 2 "Sessions"
screen=$(rw_tmux_capture)
rw_assert_contains "$screen" 'evil\x1b' "hostile role"
rw_assert_contains "$screen" 'select 1 \x1b[2J\x1b]0;pwned\x07' "hostile query"
rw_assert_contains "$screen" 'raw\x1b[3' "unsanitized application name"
dash_assert_hostile_role 60
rw_assert_contains "$(rw_tmux_capture)" 'raw\x1b[31mapp' "unsanitized application name"
rw_assert_eq "$(rw_tmux display-message -p -t =t: '#{pane_title}')" "$title" "pane title"
dash_keys Escape Escape
# Quick filter: no TLS lists exactly the plaintext sessions.
dash_keys t
dash_wait_line 2 "[no TLS]"
screen=$(rw_tmux_capture)
rw_assert_contains "$screen" "203.0.113.9" "no TLS filter"
rw_assert_contains "$screen" "10.0.0.7" "no TLS filter"
rw_assert_not_contains "$screen" "10.0.0.5" "no TLS filter"
dash_keys u
dash_wait_line 2 "[superuser]"
rw_assert_contains "$(rw_tmux_capture)" "admin_x" "superuser filter"
rw_assert_contains "$(rw_tmux_capture)" "rdsSU" "superuser filter"

# Failed logins: the burst's address with its count, marked BURST.
dash_keys 4
dash_wait_line 2 "Failed logins"
line=$(rw_tmux_capture | grep "198.51.100.23")
rw_assert_contains "$line" "BURST" "burst"
rw_assert_contains "$line" " 7 " "burst count"

# Backup & patch: no backups and forced maintenance flagged in words.
dash_keys 7
dash_wait_line 2 "Backup & patch"
line=$(rw_tmux_capture | grep "staging-db")
rw_assert_contains "$line" "OFF" "backups off"
rw_assert_contains "$line" "FORCED in" "forced maintenance"

# Alerts: acknowledge with a note typed at the prompt.
dash_keys 2
dash_wait_line 2 "Alerts"
dash_keys a
rw_tmux_wait_for "Acknowledge \"Plaintext session" 5
dash_keys -l 'paged the app team'
dash_keys Enter
rw_tmux_wait_for "acknowledged: Plaintext session" 5
line=$(rw_tmux_capture | grep "Plaintext session from a public address" | head -n 1)
rw_assert_contains "$line" "acked" "acknowledged alert"
dash_keys Enter
rw_tmux_wait_for "paged the app team" 5
rw_assert_contains "$(rw_tmux_capture)" "by $(id -un)@" "who acknowledged"
dash_keys Escape
# No active critical alert is left: the banner is gone.
sleep 1.2
rw_assert_not_contains "$(dash_line 59)" "active critical alert" "banner after ack"

dash_keys q
rw_assert_eq "$(dash_wait_exit "")" 0 "exit"

# The same fleet at 80x24 in ASCII: the sparklines and lines are ASCII.
dash_start 80 24 env LANG=C LC_ALL=C TERM=screen "$DASH_FIXTURE"
dash_wait_ready
dash_assert_ascii "LANG=C" 1 2 3 4 5 6 7 8 9 0
dash_keys 9
dash_wait_line 2 "Metrics"
rw_assert_contains "$(rw_tmux_capture | grep CPUUtilization)" "#" "ASCII sparkline"
dash_keys q
rw_assert_eq "$(dash_wait_exit "")" 0 "exit in ASCII"
exit 0

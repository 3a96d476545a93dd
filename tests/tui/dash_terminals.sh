#!/bin/bash
# The dashboard on the terminals on-call engineers meet: TERM=screen,
# TERM=xterm (8 colours), 256 colours, TERM=vt100 (no colours), LANG=C
# (ASCII lines), NO_COLOR and --no-color (no colour codes at all),
# --ascii, and TERM=dumb or no terminal, which refuse with a pointer to
# `rdswatch once`.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tui/dash_lib.sh"

# --- refusals: no terminal, TERM=dumb, unset, unknown ----------------------
out=$("$RDSWATCH" </dev/null 2>&1 | cat)
rw_assert_contains "$out" "needs a terminal" "no terminal"
rw_assert_contains "$out" "rdswatch once" "no terminal"
"$RDSWATCH" </dev/null >/dev/null 2>&1
rw_assert_eq "$?" 1 "no terminal: exit status"
for t in dumb "" no-such-terminal-xyz; do
	dash_start 80 24 env TERM="$t" "$RDSWATCH"
	rc=$(dash_wait_exit "")
	rw_assert_eq "$rc" 1 "TERM='$t': exit status"
	rw_assert_contains "$(rw_tmux_capture_all)" "rdswatch once" "TERM='$t' refusal"
done

# --- TERM=screen and TERM=xterm: colour, 8 colours at most -----------------
for t in screen xterm; do
	dash_start 80 24 env TERM="$t" LANG=C.UTF-8 LC_ALL=C.UTF-8 "$RDSWATCH"
	dash_wait_ready
	rw_assert_contains "$(dash_line 1)" "1 Over 2 Alrt" "TERM=$t"
	dash_assert_8_colours "TERM=$t"
	dash_keys q
	rw_assert_eq "$(dash_wait_exit "")" 0 "TERM=$t: exit"
done

# --- a 256-colour theme: as is on 256 colours, the nearest on 8 -------------
printf '[colors]\nheader = 226,196,bold\n' >"$RW_TMP/hot.theme"
dash_start 80 24 env TERM=xterm-256color "$RDSWATCH" --theme "$RW_TMP/hot.theme"
dash_wait_ready
colours=" $(dash_colours | sort -u | tr '\n' ' ')"
rw_assert_contains "$colours" " 38;5;226 " "256 colours: foreground"
rw_assert_contains "$colours" " 48;5;196 " "256 colours: background"
dash_keys q
dash_wait_exit "" >/dev/null
dash_start 80 24 env TERM=xterm "$RDSWATCH" --theme "$RW_TMP/hot.theme"
dash_wait_ready
colours=" $(dash_colours | sort -u | tr '\n' ' ')"
rw_assert_contains "$colours" " 33 " "8 colours: 226 is yellow"
rw_assert_contains "$colours" " 41 " "8 colours: 196 is red"
rw_assert_not_contains "$colours" ";5;" "8 colours: no 256-colour codes"
dash_keys q
dash_wait_exit "" >/dev/null

# --- NO_COLOR, --no-color and a terminal without colour: attributes only ---
for how in env --no-color vt100; do
	if [ "$how" = env ]; then
		dash_start 80 24 env TERM=xterm-256color NO_COLOR=1 "$RDSWATCH"
	elif [ "$how" = vt100 ]; then
		dash_start 80 24 env TERM=vt100 "$RDSWATCH"
	else
		dash_start 80 24 env TERM=xterm-256color "$RDSWATCH" --no-color
	fi
	dash_wait_ready
	dash_keys 3
	dash_wait_line 2 "Sessions"
	colours=$(dash_colours)
	[ -z "$colours" ] || rw_fail "$how: colour codes: $(sort -u <<<"$colours" | tr '\n' ' ')"
	# Roles still show: the header and the selected tab as attributes.
	rw_tmux capture-pane -e -p -t =t: | grep -q $'\e\\[[0-9;]*[147]' ||
		rw_fail "$how: no attributes either"
	dash_keys q
	rw_assert_eq "$(dash_wait_exit "")" 0 "$how: exit"
done

# --- LANG=C: ASCII lines and symbols, no byte above 0x7e -------------------
for how in LANG=C --ascii; do
	if [ "$how" = LANG=C ]; then
		dash_start 80 24 env LANG=C LC_ALL=C TERM=screen "$RDSWATCH"
	else
		dash_start 80 24 env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen "$RDSWATCH" --ascii
	fi
	dash_wait_ready
	dash_assert_ascii "$how" 1 3 0
	# The sort arrow and the ellipsis in their ASCII forms.
	rw_assert_contains "$(rw_tmux_capture)" "Area^" "$how: ASCII sort mark"
	dash_keys q
	rw_assert_eq "$(dash_wait_exit "")" 0 "$how: exit"
done

# --- a UTF-8 locale gets box-drawing and block symbols ----------------------
dash_start 80 24 env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen "$RDSWATCH"
dash_wait_ready
rw_assert_contains "$(dash_line 3)" "Instance▲" "UTF-8 sort mark"
dash_keys q
dash_wait_exit "" >/dev/null

# --- themes: a broken theme file is named with its line; no terminal mess ---
printf '[colors]\nok = green,default\ncritical = purple,red\n' >"$RW_TMP/broken.theme"
out=$("$RDSWATCH" --theme "$RW_TMP/broken.theme" 2>&1 </dev/null)
rw_assert_contains "$out" "broken.theme:3: 'purple' is not a colour" "broken theme"
out=$("$RDSWATCH" --theme nosuchtheme 2>&1 </dev/null)
rw_assert_contains "$out" "theme 'nosuchtheme' not found" "missing theme"
for theme in light high-contrast monochrome; do
	dash_start 80 24 env TERM=xterm-256color "$RDSWATCH" --theme "$theme"
	dash_wait_ready
	dash_keys q
	rw_assert_eq "$(dash_wait_exit "")" 0 "theme $theme"
done
exit 0

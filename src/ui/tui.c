#include <config.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sanitize.h"
#include "core/timeutil.h"
#include "core/xmalloc.h"
#include "ui/canvas_curses.h"
#include "ui/keys.h"
#include "ui/tui.h"

/* A burst of wake-ups (many sources finishing at once) is drawn once. */
#define TUI_MIN_REFRESH_GAP_MS 100
/* How long after a wake-up the snapshot is taken: a poll's "updating"
 * mark and its result, when it is quick, make one frame; a slow poll's
 * mark is drawn. */
#define TUI_SETTLE_MS 150
/* The clock and the ages move every second; the size is re-read then. */
#define TUI_TICK_MS 1000

/* Signal state: async-signal-safe data only. */
static volatile sig_atomic_t tui_signal;
static int tui_sigpipe[2] = { -1, -1 };
static struct termios tui_saved_termios;
static int tui_have_termios;
/* What puts the terminal back, written by a crash handler. */
static char tui_restore_seq[256];
static size_t tui_restore_len;

static const int tui_quit_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static const int tui_crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static void
tui_on_quit_signal(int sig)
{
	int saved = errno;
	char c = 1;

	tui_signal = sig;
	if (tui_sigpipe[1] >= 0 && write(tui_sigpipe[1], &c, 1) < 0) {
		/* The pipe is full: a wake-up is pending already. */
	}
	errno = saved;
}

/* A crash: put the terminal back (async-signal-safe calls only), then
 * die of the same signal. */
static void
tui_on_crash_signal(int sig)
{
	if (tui_restore_len > 0 && write(STDOUT_FILENO, tui_restore_seq, tui_restore_len) < 0) {
		/* Nothing more can be done. */
	}
	if (tui_have_termios)
		tcsetattr(STDIN_FILENO, TCSANOW, &tui_saved_termios);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
tui_add_restore(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (tui_restore_len + n < sizeof tui_restore_seq) {
		memcpy(tui_restore_seq + tui_restore_len, s, n);
		tui_restore_len += n;
	}
}

static void
tui_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll(2) returns so the loop sees the flag. */
	sa.sa_handler = tui_on_quit_signal;
	for (size_t i = 0; i < sizeof tui_quit_signals / sizeof *tui_quit_signals; i++)
		sigaction(tui_quit_signals[i], &sa, NULL);
	sa.sa_handler = tui_on_crash_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof tui_crash_signals / sizeof *tui_crash_signals; i++)
		sigaction(tui_crash_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void
tui_signals_restore(void)
{
	for (size_t i = 0; i < sizeof tui_quit_signals / sizeof *tui_quit_signals; i++)
		signal(tui_quit_signals[i], SIG_DFL);
	for (size_t i = 0; i < sizeof tui_crash_signals / sizeof *tui_crash_signals; i++)
		signal(tui_crash_signals[i], SIG_DFL);
}

/* SSM and some terminals send Home and End as sequences terminfo does not
 * list for their TERM. */
static void
tui_define_keys(void)
{
	static const struct { const char *seq; int key; } extra[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033[H", KEY_HOME },
		{ "\033OH", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[8~", KEY_END },
		{ "\033[F", KEY_END }, { "\033OF", KEY_END }, { "\033[Z", KEY_BTAB },
	};

	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++) {
		if (key_defined(extra[i].seq) == 0)
			define_key(extra[i].seq, extra[i].key);
	}
}

/* An ncurses key as a keys.h key. */
static int
tui_map_key(int rc, wint_t wch)
{
	static const struct { int curses; int ui; } map[] = {
		{ KEY_UP, UIK_UP }, { KEY_DOWN, UIK_DOWN }, { KEY_LEFT, UIK_LEFT },
		{ KEY_RIGHT, UIK_RIGHT }, { KEY_PPAGE, UIK_PGUP }, { KEY_NPAGE, UIK_PGDN },
		{ KEY_HOME, UIK_HOME }, { KEY_END, UIK_END }, { KEY_BTAB, UIK_BTAB },
		{ KEY_BACKSPACE, UIK_BACKSPACE }, { KEY_DC, UIK_DELETE }, { KEY_ENTER, UIK_ENTER },
		{ KEY_RESIZE, UIK_RESIZE }, { KEY_MOUSE, UIK_MOUSE },
	};

	if (rc == OK)
		return wch == '\n' ? UIK_ENTER : (int)wch;
	if ((int)wch >= KEY_F(1) && (int)wch <= KEY_F(63))
		return UIK_F((int)wch - KEY_F0);
	for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
		if (map[i].curses == (int)wch)
			return map[i].ui;
	}
	return 0;
}

/* Re-reads the terminal's size; returns 1 when it changed. */
static int
tui_check_size(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return 0;
	if (ws.ws_row == LINES && ws.ws_col == COLS)
		return 0;
	resizeterm(ws.ws_row, ws.ws_col);
	return 1;
}

static void
tui_mouse(struct dash *d, int64_t now)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		dash_mouse(d, ev.y, ev.x, -1, now);
#ifdef BUTTON5_PRESSED
	else if (ev.bstate & BUTTON5_PRESSED)
		dash_mouse(d, ev.y, ev.x, 1, now);
#endif
	else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
		dash_mouse(d, ev.y, ev.x, 0, now);
}

/* Reads every key waiting. Returns 1 when the user quit. */
static int
tui_read_keys(struct dash *d, struct canvas *canvas, int *dirty)
{
	wint_t wch;
	int rc;

	while ((rc = wget_wch(stdscr, &wch)) != ERR) {
		int key = tui_map_key(rc, wch);
		int64_t now = time_now_ms();

		*dirty = 1;
		if (key == UIK_RESIZE) {
			/* A storm of these is drawn once, after the loop. */
			canvas_curses_resize(canvas);
			continue;
		}
		if (key == UIK_MOUSE) {
			tui_mouse(d, now);
			continue;
		}
		if (key != 0 && dash_key(d, key, now))
			return 1;
	}
	return 0;
}

static void
tui_draw(struct dash *d, struct canvas *canvas, int64_t now)
{
	int cursor;

	if (dash_take_redraw(d))
		clearok(curscr, TRUE);
	cursor = dash_draw(d, canvas, now);
	canvas_curses_flush(canvas);
	if (cursor >= 0) {
		curs_set(1);
		wmove(stdscr, canvas->rows - 2, cursor < canvas->cols ? cursor : canvas->cols - 1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
	if (dash_take_bell(d))
		beep();
}

static int
tui_loop(struct dash *d, struct feed *feed, struct canvas *canvas)
{
	int64_t last_refresh = 0, last_tick = 0, woken = 0;
	int dirty = 1, pending = 0, tick = 0;

	for (;;) {
		struct pollfd fds[3] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ feed_wake_fd(feed), POLLIN, 0 },
			{ tui_sigpipe[0], POLLIN, 0 },
		};
		int64_t now = time_now_ms(), deadline, wait;

		if (tui_signal != 0)
			return 128 + tui_signal;
		if (now - last_tick >= TUI_TICK_MS) {
			if (tui_check_size())
				canvas_curses_resize(canvas);
			tick = 1;
			last_tick = now - now % TUI_TICK_MS;
		}
		/* Every tick draws (the clock, the ages); a wake-up draws only
		 * when the snapshot changed. */
		if ((tick || (pending && now >= woken + TUI_SETTLE_MS)) &&
		    now - last_refresh >= TUI_MIN_REFRESH_GAP_MS) {
			if (dash_refresh(d, now) || tick)
				dirty = 1;
			last_refresh = now;
			pending = tick = 0;
		}
		if (dirty) {
			tui_draw(d, canvas, now);
			dirty = 0;
		}
		deadline = last_tick + TUI_TICK_MS;
		if (tick)
			deadline = last_refresh + TUI_MIN_REFRESH_GAP_MS;
		else if (pending && woken + TUI_SETTLE_MS < deadline)
			deadline = woken + TUI_SETTLE_MS > last_refresh + TUI_MIN_REFRESH_GAP_MS ?
			    woken + TUI_SETTLE_MS : last_refresh + TUI_MIN_REFRESH_GAP_MS;
		if (dash_next_deadline(d) != 0 && dash_next_deadline(d) < deadline)
			deadline = dash_next_deadline(d);
		wait = deadline - time_now_ms();
		wait = wait < 0 ? 0 : wait > TUI_TICK_MS ? TUI_TICK_MS : wait;
		if (poll(fds, 3, (int)wait) < 0) {
			if (errno != EINTR)
				return 1;
			/* SIGWINCH: ncurses queues a KEY_RESIZE. */
		}
		if (fds[2].revents & POLLIN) {
			char buf[16];

			while (read(tui_sigpipe[0], buf, sizeof buf) > 0)
				;
		}
		if (fds[1].revents & POLLIN) {
			feed_drain(feed);
			if (!pending)
				woken = time_now_ms();
			pending = 1;
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			return 128 + SIGHUP;	/* the terminal went away */
		if (tui_read_keys(d, canvas, &dirty))
			return 0;
		if (dash_next_deadline(d) != 0 && dash_next_deadline(d) <= time_now_ms())
			dirty = 1;
	}
}

int
tui_run(struct feed *feed, const struct tui_opts *o, char **why)
{
	SCREEN *screen;
	struct canvas *canvas;
	struct dash *d;
	int use_color, status;

	tui_have_termios = tcgetattr(STDIN_FILENO, &tui_saved_termios) == 0;
	if (pipe2(tui_sigpipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		*why = xasprintf("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	tui_signal = 0;
	/* Before the terminal changes, so no signal finds it half set up
	 * with the default action. */
	tui_restore_len = 0;
	tui_signals_install();
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL) {
		*why = xstrdup("cannot set up the terminal; for plain text use 'rdswatch once'");
		tui_signals_restore();
		close(tui_sigpipe[0]);
		close(tui_sigpipe[1]);
		return -1;
	}
	tui_add_restore("sgr0");
	tui_add_restore("cnorm");
	tui_add_restore("rmkx");
	tui_add_restore("rmcup");
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(TUI_ESCDELAY_MS);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	tui_define_keys();
	if (o->mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		    | BUTTON5_PRESSED
#endif
		    , NULL);
		mouseinterval(0);
	}
	/* COLORS is known once colour is started. */
	use_color = o->color && has_colors() && start_color() == OK && COLORS >= 8;
	canvas = canvas_curses_new(stdscr, use_color ? o->theme : o->mono, use_color,
	    o->ascii || !tui_locale_is_utf8());
	log_debug(LOG_UI, "terminal %dx%d, %d colours, colour %s, %s", COLS, LINES, COLORS,
	    use_color ? "on" : "off", canvas->ascii ? "ASCII" : "UTF-8");
	d = dash_new(feed, &o->dash);
	dash_refresh(d, time_now_ms());

	status = tui_loop(d, feed, canvas);

	dash_free(d);
	canvas_curses_free(canvas);
	/* Without an alternate screen (vt100), what was shown would stay on
	 * the terminal after exit: clear it. */
	{
		char *rmcup = tigetstr("rmcup");

		if (rmcup == NULL || rmcup == (char *)-1) {
			werase(stdscr);
			wrefresh(stdscr);
		}
	}
	curs_set(1);
	endwin();
	delscreen(screen);
	tui_signals_restore();
	close(tui_sigpipe[0]);
	close(tui_sigpipe[1]);
	tui_sigpipe[0] = tui_sigpipe[1] = -1;
	tui_restore_len = 0;
	log_debug(LOG_UI, "dashboard closed (status %d)", status);
	return status;
}

/* The status line: account (profile/region), mode (LIVE, PAUSED or
 * "replay at T UTC", with "reading history..." while T is read), source health (a poll in flight shows "updating"; a
 * stale or failing source shows its age in the stale colour), the
 * refresh interval, and the time in UTC and local. */
#ifndef RW_UI_STATUS_H
#define RW_UI_STATUS_H

#include <stdint.h>

#include "view/canvas.h"
#include "view/snapshot.h"

struct status_info {
	const struct snapshot *snap;
	int64_t now;
	const char *profile;	/* when the snapshot has no account */
	const char *region;
	int64_t refresh_ms;
	int paused;
	int64_t replay_at;	/* the moment replayed; 0: live */
	int reading;		/* the replay's snapshot is being read */
	/* The feed's note ("from history, 12m old", "discovering...", "not
	 * recording"), shown after the mode in the colour role NOTE_STYLE;
	 * NULL: none. */
	const char *note;
	int note_style;
};

/* Draws the status line on ROW of A. */
void status_draw(const struct canvas_area *a, int row, const struct status_info *si);

#endif

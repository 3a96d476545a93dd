/* A snapshot is the state of the fleet at one moment T: live (T = now,
 * kept up to date by applying batches as polls land) or past (built from
 * history by the store). Panes, `once` and exports read snapshots only, so
 * what was on screen and what is exported come from one code path. */
#ifndef RW_VIEW_SNAPSHOT_H
#define RW_VIEW_SNAPSHOT_H

#include <stdint.h>

#include "model/batch.h"
#include "model/records.h"

/* How far back a snapshot keeps facts (append kinds) before T. */
struct snapshot_windows {
	int64_t metrics_ms;
	int64_t events_ms;
	int64_t findings_ms;
	int64_t failed_logins_ms;
};

extern const struct snapshot_windows snapshot_windows_default;

struct snapshot {
	int64_t at;		/* the moment shown */
	int live;		/* 1: live mode, 0: replay or export of the past */
	struct snapshot_windows windows;
	struct m_vec kinds[M_KIND_COUNT];
	/* For each kind, unique to its records as they are: a new one
	 * whenever the functions below make records of the kind come, go or
	 * change (not when only their poll times, M_POLLTIME, move in place,
	 * nor AT), never the same for two snapshots, so what is derived from
	 * their content can be kept until it changes. Who changes records
	 * otherwise calls snapshot_changed. */
	uint64_t version[M_KIND_COUNT];
	/* snapshot_advance's: the oldest fact of each windowed kind as of
	 * FLOOR_VERSION, so a tick with nothing to drop scans nothing. */
	int64_t floor[M_KIND_COUNT];
	uint64_t floor_version[M_KIND_COUNT];
	struct snapshot_hashes *hashes;	/* snapshot.c's, by kind; NULL until needed */
};

void snapshot_init(struct snapshot *s, int64_t at, int live);
/* A set of kinds: bit K for kind K. */
typedef uint32_t snapshot_kinds;
#define SNAPSHOT_KIND(k) ((snapshot_kinds)1 << (k))
#define SNAPSHOT_ALL_KINDS (SNAPSHOT_KIND(M_KIND_COUNT) - 1)
/* S's records of KINDS changed: new versions. */
void snapshot_changed(struct snapshot *s, snapshot_kinds kinds);
void snapshot_free(struct snapshot *s);
/* Deep copy into uninitialized DST (the UI draws from a copy while
 * pollers update the live one). */
void snapshot_copy(struct snapshot *dst, const struct snapshot *src);
/* Makes DST (a snapshot) equal to SRC where DST's kinds outside KINDS
 * already hold what SRC's do: only KINDS are copied, so a copy kept up
 * to date costs what changed, not the fleet. */
void snapshot_copy_kinds(struct snapshot *dst, const struct snapshot *src, snapshot_kinds kinds);
/* Brings DST's KINDS to SRC's where DST holds the same records as SRC in
 * the same order (a copy kept up to date) and only their M_POLLTIME
 * fields moved since (what snapshot_apply reports as touched). */
void snapshot_touch_kinds(struct snapshot *dst, const struct snapshot *src, snapshot_kinds kinds);
/* Applies a batch by the rules in model/batch.h (records are copied).
 * Sessions keep their first_seen across polls; last_seen is the poll.
 * A record seen again unchanged keeps its place and its memory; only its
 * poll times move. Returns the kinds whose records came, went or changed;
 * *TOUCHED (may be NULL) the others whose poll times moved. */
snapshot_kinds snapshot_apply(struct snapshot *s, const struct batch *b, snapshot_kinds *touched);
/* Moves T to AT and drops facts older than their window before it.
 * Returns the kinds it dropped facts from. */
snapshot_kinds snapshot_advance(struct snapshot *s, int64_t at);

/* Of CHANGED, the kinds whose state moved, not only their M_PROGRESS
 * fields (model.h): STATE holds each kind's sum of m_state_hash as the
 * caller last saw it, and is brought up to date. */
snapshot_kinds snapshot_state_changed(const struct snapshot *s, snapshot_kinds changed,
    uint64_t state[M_KIND_COUNT]);

const struct m_instance *snapshot_instance(const struct snapshot *s, const char *id);
/* The health record of SOURCE for INSTANCE ("" for fleet-wide), or NULL. */
const struct m_source_health *snapshot_source_health(const struct snapshot *s,
    const char *source, const char *instance);
/* Number of records of KIND whose "instance" field is INSTANCE. */
size_t snapshot_count(const struct snapshot *s, enum m_kind kind, const char *instance);
/* The time a fact happened (the "time" or "updated_at" field), or 0. */
int64_t snapshot_fact_time(enum m_kind kind, const void *rec);

#endif

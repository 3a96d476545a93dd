/* The sessions the last poll gave, by pid and start: what each row looked
 * like (a hash of the row and of what else its record is made from) and
 * the record made of it (its key and content hash). A row that looks the
 * same at the next poll - or that the server left out as steady - is
 * named in the batch (batch_same_add), not made into a record again, and
 * costs no hashing of the record. */
#ifndef RW_PG_PG_SEEN_H
#define RW_PG_PG_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct pg_seen_entry {
	int64_t pid;		/* the table's key: pid and backend start */
	int64_t start;
	uint64_t key;		/* the record's m_key_hash */
	uint64_t row;		/* the row and the role and database it names */
	uint64_t content;	/* m_content_hash of the record made of it */
	int64_t xact_start;	/* for pg_health's oldest transaction */
	int insufficient;	/* "<insufficient privilege>" row */
	int steady;		/* idle and waiting on the client (pg_poll_sql) */
};

/* Open addressing: a slot is taken when its generation is the table's,
 * so emptying the table for the next poll is one increment. */
struct pg_seen_slot {
	struct pg_seen_entry e;
	uint32_t gen;
};

struct pg_seen {
	struct pg_seen_slot *v;
	uint32_t gen;
	size_t mask;		/* slots - 1, a power of two minus one */
	size_t n;
};

void pg_seen_init(struct pg_seen *s);
void pg_seen_free(struct pg_seen *s);
/* Empties S, with room for EXPECT entries. */
void pg_seen_reset(struct pg_seen *s, size_t expect);
const struct pg_seen_entry *pg_seen_find(const struct pg_seen *s, int64_t pid, int64_t start);
/* The entry for PID and START, added (zeroed but for those) when missing;
 * *ADDED (when not NULL) says whether it was. */
struct pg_seen_entry *pg_seen_put(struct pg_seen *s, int64_t pid, int64_t start, int *added);

#endif

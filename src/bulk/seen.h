/* SPDX-License-Identifier: MIT */
/*
 * The targets an earlier run already wrote, for --resume: a set of 64-bit
 * key hashes (bulk_key_hash), open addressing, 8 bytes a slot at most 3/4
 * full, so a million targets take 16 MiB at the very most.
 */
#ifndef MXDIAG_BULK_SEEN_H
#define MXDIAG_BULK_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define BULK_SEEN_MAX		(1UL << 26)	/* keys */
#define BULK_SEEN_LINE_MAX	(1UL << 20)	/* longer lines are skipped */

struct bulk_seen;

struct bulk_seen *bulk_seen_new(void);
/* NULL is a no-op. */
void bulk_seen_free(struct bulk_seen *s);
/* Returns 0, or -1 when the set holds BULK_SEEN_MAX keys already. */
int bulk_seen_add(struct bulk_seen *s, uint64_t hash);
bool bulk_seen_has(const struct bulk_seen *s, uint64_t hash);
size_t bulk_seen_count(const struct bulk_seen *s);

/*
 * Read an output file from its start: the "target" of every complete line
 * that is a result object joins the set; other lines are passed over.
 * *nlines counts complete lines; *good_end is the offset after the last
 * newline (where a half-written last line starts). Returns 0, or -1 with a
 * reason in err (a read error, or too many keys).
 */
int bulk_seen_load(struct bulk_seen *s, FILE *f, size_t *nlines,
    off_t *good_end, char *err, size_t errlen);

#endif

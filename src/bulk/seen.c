/* SPDX-License-Identifier: MIT */
#include "bulk/seen.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bulk/input.h"
#include "util/util.h"

/* Slot value 0 means empty; a hash of 0 is stored as 1 (a collision
 * between the two costs one false "seen" in 2^63). */
struct bulk_seen {
	uint64_t	*slot;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

struct bulk_seen *
bulk_seen_new(void)
{
	struct bulk_seen *s = xcalloc(1, sizeof(*s));

	s->cap = 1024;
	s->slot = xcalloc(s->cap, sizeof(*s->slot));
	return s;
}

void
bulk_seen_free(struct bulk_seen *s)
{
	if (s == NULL)
		return;
	free(s->slot);
	free(s);
}

static void
seen_insert(uint64_t *slot, size_t cap, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);

	while (slot[i] != 0 && slot[i] != h)
		i = (i + 1) & (cap - 1);
	slot[i] = h;
}

int
bulk_seen_add(struct bulk_seen *s, uint64_t h)
{
	if (h == 0)
		h = 1;
	if (bulk_seen_has(s, h))
		return 0;
	if (s->n >= BULK_SEEN_MAX)
		return -1;
	if ((s->n + 1) * 4 > s->cap * 3) {
		size_t cap = s->cap * 2;
		uint64_t *slot = xcalloc(cap, sizeof(*slot));

		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i] != 0)
				seen_insert(slot, cap, s->slot[i]);
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	seen_insert(s->slot, s->cap, h);
	s->n++;
	return 0;
}

bool
bulk_seen_has(const struct bulk_seen *s, uint64_t h)
{
	size_t i;

	if (h == 0)
		h = 1;
	i = (size_t)(h ^ (h >> 29)) & (s->cap - 1);
	while (s->slot[i] != 0) {
		if (s->slot[i] == h)
			return true;
		i = (i + 1) & (s->cap - 1);
	}
	return false;
}

size_t
bulk_seen_count(const struct bulk_seen *s)
{
	return s->n;
}

/* The key of one complete line, if it is a result. */
static int
seen_line(struct bulk_seen *s, const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL);
	const char *type, *target;
	int rc = 0;

	if (o == NULL)
		return 0;
	type = json_string_value(json_object_get(o, "type"));
	target = json_string_value(json_object_get(o, "target"));
	if (type != NULL && strcmp(type, "result") == 0 && target != NULL)
		rc = bulk_seen_add(s, bulk_key_hash(target));
	json_decref(o);
	return rc;
}

int
bulk_seen_load(struct bulk_seen *s, FILE *f, size_t *nlines,
    off_t *good_end, char *err, size_t errlen)
{
	size_t cap = 4096, len = 0;
	char *buf = xcalloc(1, cap);
	bool overlong = false;
	off_t off = 0;
	int c, rc = 0;

	*nlines = 0;
	*good_end = 0;
	rewind(f);
	while ((c = getc(f)) != EOF) {
		off++;
		if (c != '\n') {
			if (len == BULK_SEEN_LINE_MAX) {
				overlong = true;
				continue;
			}
			if (len == cap) {
				cap *= 2;
				buf = xreallocarray(buf, cap, 1);
			}
			buf[len++] = (char)c;
			continue;
		}
		(*nlines)++;
		*good_end = off;
		if (!overlong && seen_line(s, buf, len) != 0) {
			snprintf(err, errlen, "more than %lu targets",
			    BULK_SEEN_MAX);
			rc = -1;
			break;
		}
		len = 0;
		overlong = false;
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s", strerror(errno));
		rc = -1;
	}
	free(buf);
	return rc;
}

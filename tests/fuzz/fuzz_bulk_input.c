/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the input of `mxdiag bulk`: one input line through
 * bulk_input_parse() (with and without --allow-huge), a range's size and
 * first addresses, the key of what was parsed, and the same bytes as an
 * earlier output file through bulk_seen_load(). Broken invariants crash:
 * messages printable, ranges within their caps, hosts lower-case and
 * bounded, the offset after the last newline inside the input.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk/input.h"
#include "bulk/seen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static void
one(const uint8_t *data, size_t size, bool huge)
{
	struct bulk_item it;
	char err[256], key[INET6_ADDRSTRLEN];
	struct bulk_range_iter ri;
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} a;
	int af;

	err[0] = '\0';
	if (bulk_input_parse((const char *)data, size, huge, &it, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();	/* every refusal says why */
		check_printable(err);
		return;
	}
	if (it.port < 0 || it.port > 65535)
		abort();
	switch (it.kind) {
	case BULK_RANGE:
		if (bulk_range_size(&it) == 0 || bulk_range_size(&it) >
		    ((uint64_t)1 << 32) || (!huge && bulk_range_size(&it) >
		    ((uint64_t)1 << 24)))
			abort();
		bulk_range_begin(&ri, &it);
		for (int i = 0; i < 4 && bulk_range_next(&ri, &af, &a); i++)
			bulk_key_addr(af, &a, key, sizeof(key));
		break;
	case BULK_ADDR:
		bulk_key_addr(it.af, &it.addr, key, sizeof(key));
		check_printable(key);
		break;
	case BULK_HOST:
		if (strlen(it.host) == 0 || strlen(it.host) > 253)
			abort();
		for (const char *p = it.host; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				abort();
		(void)bulk_key_hash(it.host);
		break;
	case BULK_SKIP:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bulk_seen *s;
	size_t nlines;
	off_t good_end;
	char err[256];
	FILE *f;

	one(data, size, false);
	one(data, size, true);

	if (size == 0 || (f = fmemopen((void *)(uintptr_t)data, size, "r")) ==
	    NULL)
		return 0;
	s = bulk_seen_new();
	if (bulk_seen_load(s, f, &nlines, &good_end, err, sizeof(err)) == 0) {
		if (good_end < 0 || (size_t)good_end > size ||
		    (good_end > 0 && data[good_end - 1] != '\n'))
			abort();
		if (bulk_seen_count(s) > nlines)
			abort();
	}
	fclose(f);
	bulk_seen_free(s);
	return 0;
}

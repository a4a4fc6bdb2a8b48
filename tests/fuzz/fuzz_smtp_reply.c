/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the SMTP reply parser and every reading taken from a
 * reply. The first input byte also picks the read size, so the corpus can be
 * plain server transcripts while the fuzzer splits them the way a slow or
 * hostile peer would; the checks turn broken invariants into crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string we hand out must be printable ASCII. */
static void
check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

/* Take everything we can from one complete reply, as mxdiag does. */
static void
use_reply(const struct smtp_reply *r, const struct smtp_reply *greeting)
{
	char host[SMTP_HOSTNAME_MAX];
	struct smtp_caps caps;
	enum smtp_mta m;
	char *joined;

	if (r->code < 200 || r->code > 559 || r->nlines == 0 ||
	    r->nlines > SMTP_REPLY_LINES_MAX)
		abort();
	for (size_t i = 0; i < r->nlines; i++) {
		check_printable(r->lines[i]);
		/* 506 octets of text at most, each escaped to at most 4. */
		if (strlen(r->lines[i]) > 4 * (SMTP_LINE_MAX - 6))
			abort();
	}

	if (smtp_reply_hostname(r, host, sizeof(host))) {
		if (host[0] != '[' && !smtp_hostname_valid(host))
			abort();
	} else if (host[0] != '\0') {
		abort();
	}

	smtp_caps_parse(r, &caps);
	if (caps.nkeywords != r->nlines - 1 || caps.size < -1)
		abort();
	smtp_caps_clear(&caps);

	m = smtp_detect_mta(greeting, r);
	if (m >= SMTP_MTA_COUNT || smtp_mta_display(m) == NULL ||
	    (m != SMTP_MTA_UNKNOWN && smtp_mta_name(m) == NULL))
		abort();

	joined = smtp_reply_join(r);
	check_printable(joined);
	free(joined);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_reply_parser p;
	struct smtp_reply greeting, r;
	const char *in;
	size_t chunk, off = 0;

	if (size == 0)
		return 0;
	/* High bit set: all at once; else reads of 1..32 bytes. The byte is
	 * fed too, so a transcript file is a valid input as it stands. */
	chunk = (data[0] & 0x80) ? size : (size_t)(data[0] % 32) + 1;
	in = (const char *)data;

	memset(&greeting, 0, sizeof(greeting));
	smtp_reply_parser_init(&p);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk, used;
		enum smtp_parse_status st;

		st = smtp_reply_parser_feed(&p, in + off, n, &used);
		if (used > n || (st == SMTP_PARSE_MORE && used != n) ||
		    (st != SMTP_PARSE_MORE && used == 0))
			abort();
		off += used;
		if (smtp_parse_strerror(st) == NULL)
			abort();

		switch (st) {
		case SMTP_PARSE_MORE:
			break;
		case SMTP_PARSE_DONE:
			smtp_reply_parser_take(&p, &r);
			/* The first reply plays the greeting for the rest. */
			use_reply(&r, greeting.nlines ? &greeting : NULL);
			if (greeting.nlines == 0)
				greeting = r;
			else
				smtp_reply_clear(&r);
			break;
		case SMTP_PARSE_E_LONGLINE:
		case SMTP_PARSE_E_TOOMANY:
		case SMTP_PARSE_E_SYNTAX:
		case SMTP_PARSE_E_CODE:
			/* Sticky until reset; then resynchronise mid-stream
			 * to reach more states. */
			if (smtp_reply_parser_feed(&p, "220 x\r\n", 7,
			    &used) != st || used != 0 || !p.failed)
				abort();
			smtp_reply_parser_reset(&p);
			break;
		default:
			abort();
		}
	}
	smtp_reply_parser_reset(&p);
	smtp_reply_clear(&greeting);
	return 0;
}

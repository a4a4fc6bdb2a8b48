/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the SMTP reply parser and the readings taken from replies.
 * Most tests are tables of wire bytes and expected results; every parser
 * case is fed whole, byte by byte and in odd chunks, which must agree.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtp/reply.h"
#include "util/util.h"

/* Fail with the table row's name, so a broken row is found at once. */
#define EXPECT(name, cond) do {						\
	if (!(cond))							\
		fail_msg("case \"%s\": %s", (name), #cond);		\
} while (0)

/* Wire bytes with their length, so rows can hold NUL. */
#define W(s)	(s), sizeof(s) - 1

/*
 * Feed data in chunks of at most chunk bytes until the parser stops asking
 * for more; returns its status and the total consumed.
 */
static enum smtp_parse_status
feed_chunks(struct smtp_reply_parser *p, const char *data, size_t len,
    size_t chunk, size_t *consumed)
{
	enum smtp_parse_status st = SMTP_PARSE_MORE;
	size_t off = 0;

	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk, used;

		st = smtp_reply_parser_feed(p, data + off, n, &used);
		assert_true(used <= n);
		off += used;
		if (st != SMTP_PARSE_MORE)
			break;
		assert_int_equal(used, n);
	}
	*consumed = off;
	return st;
}

/* Parse wire bytes that must hold one complete reply. */
static void
parse_ok(const char *data, size_t len, struct smtp_reply *out)
{
	struct smtp_reply_parser p;
	size_t used;

	smtp_reply_parser_init(&p);
	assert_int_equal(smtp_reply_parser_feed(&p, data, len, &used),
	    SMTP_PARSE_DONE);
	smtp_reply_parser_take(&p, out);
	smtp_reply_parser_reset(&p);
}

struct parse_case {
	const char		*name;
	const char		*in;
	size_t			 inlen;
	enum smtp_parse_status	 status;
	size_t			 consumed;
	int			 code;
	bool			 bare_lf;
	size_t			 nlines;
	const char		*lines[4];
};

static const struct parse_case parse_cases[] = {
	{ "postfix greeting",
	  W("220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n"),
	  SMTP_PARSE_DONE, 49, 220, false, 1,
	  { "mail.example.com ESMTP Postfix (Debian/GNU)" } },
	{ "multi-line ehlo",
	  W("250-mx.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
	  SMTP_PARSE_DONE, 50, 250, false, 3,
	  { "mx.example.com", "PIPELINING", "8BITMIME" } },
	{ "bare LF",
	  W("220 mx.example.com ESMTP\n"),
	  SMTP_PARSE_DONE, 25, 220, true, 1, { "mx.example.com ESMTP" } },
	{ "bare LF on one line of three",
	  W("250-a\r\n250-b\n250 c\r\n"),
	  SMTP_PARSE_DONE, 20, 250, true, 3, { "a", "b", "c" } },
	{ "bare code is a last line",
	  W("220\r\n"), SMTP_PARSE_DONE, 5, 220, false, 1, { "" } },
	{ "code and space",
	  W("220 \r\n"), SMTP_PARSE_DONE, 6, 220, false, 1, { "" } },
	{ "empty continuation text",
	  W("250-\r\n250 OK\r\n"), SMTP_PARSE_DONE, 14, 250, false, 2,
	  { "", "OK" } },
	{ "lowest and highest codes",
	  W("559 x\r\n"), SMTP_PARSE_DONE, 7, 559, false, 1, { "x" } },
	{ "2xx low", W("200 x\r\n"), SMTP_PARSE_DONE, 7, 200, false, 1,
	  { "x" } },
	{ "trailing data is left",
	  W("220 a\r\n250 b\r\n"), SMTP_PARSE_DONE, 7, 220, false, 1,
	  { "a" } },
	{ "unsolicited bytes after a multi-line reply",
	  W("250-a\r\n250 b\r\nJUNK"), SMTP_PARSE_DONE, 14, 250, false, 2,
	  { "a", "b" } },
	{ "partial line", W("220 mx.exa"), SMTP_PARSE_MORE, 10, 0, false, 0,
	  { NULL } },
	{ "partial reply", W("250-a\r\n250-b\r\n"), SMTP_PARSE_MORE, 14,
	  250, false, 2, { "a", "b" } },
	{ "CR without LF is not an end", W("220 a\r"), SMTP_PARSE_MORE, 6,
	  0, false, 0, { NULL } },
	{ "empty input", "", 0, SMTP_PARSE_MORE, 0, 0, false, 0, { NULL } },
	{ "NUL and controls escaped",
	  W("220 a\0b\x01" "c\x7f\\\x1b[0m\r\n"), SMTP_PARSE_DONE, 17, 220,
	  false, 1, { "a\\x00b\\x01c\\x7f\\x5c\\x1b[0m" } },
	{ "CR inside a line is text",
	  W("220 a\rb\r\n"), SMTP_PARSE_DONE, 9, 220, false, 1,
	  { "a\\x0db" } },
	{ "CR CR LF keeps one CR",
	  W("220 a\r\r\n"), SMTP_PARSE_DONE, 8, 220, false, 1,
	  { "a\\x0d" } },
	{ "tab and 8-bit escaped",
	  W("220 caf\xc3\xa9\tok\r\n"), SMTP_PARSE_DONE, 14, 220, false, 1,
	  { "caf\\xc3\\xa9\\x09ok" } },
	{ "two digits", W("22\r\n"), SMTP_PARSE_E_SYNTAX, 4, 0, false, 0,
	  { NULL } },
	{ "four digits", W("2200 x\r\n"), SMTP_PARSE_E_SYNTAX, 8, 0, false,
	  0, { NULL } },
	{ "letters", W("abc\r\n"), SMTP_PARSE_E_SYNTAX, 5, 0, false, 0,
	  { NULL } },
	{ "first digit 6", W("620 x\r\n"), SMTP_PARSE_E_SYNTAX, 7, 0, false,
	  0, { NULL } },
	{ "first digit 1", W("199 x\r\n"), SMTP_PARSE_E_SYNTAX, 7, 0, false,
	  0, { NULL } },
	{ "second digit letter", W("2a0 x\r\n"), SMTP_PARSE_E_SYNTAX, 7, 0,
	  false, 0, { NULL } },
	{ "second digit 6", W("260 x\r\n"), SMTP_PARSE_E_SYNTAX, 7, 0,
	  false, 0, { NULL } },
	{ "third digit letter", W("25x x\r\n"), SMTP_PARSE_E_SYNTAX, 7, 0,
	  false, 0, { NULL } },
	{ "bad separator", W("220_x\r\n"), SMTP_PARSE_E_SYNTAX, 7, 0, false,
	  0, { NULL } },
	{ "tab separator", W("220\tx\r\n"), SMTP_PARSE_E_SYNTAX, 7, 0, false,
	  0, { NULL } },
	{ "empty line", W("\r\n"), SMTP_PARSE_E_SYNTAX, 2, 0, false, 0,
	  { NULL } },
	{ "leading space", W(" 220 x\r\n"), SMTP_PARSE_E_SYNTAX, 8, 0,
	  false, 0, { NULL } },
	{ "bad line after a good one", W("250-a\r\nfoo\r\n250 b\r\n"),
	  SMTP_PARSE_E_SYNTAX, 12, 250, false, 1, { "a" } },
	{ "code change", W("250-a\r\n251 b\r\n"), SMTP_PARSE_E_CODE, 14,
	  250, false, 1, { "a" } },
	{ "class change", W("220-a\r\n554 b\r\n"), SMTP_PARSE_E_CODE, 14,
	  220, false, 1, { "a" } },
};

static void
check_parse_case(const struct parse_case *c, size_t chunk)
{
	struct smtp_reply_parser p;
	enum smtp_parse_status st;
	size_t used;
	char name[128];

	snprintf(name, sizeof(name), "%s (chunk %zu)", c->name, chunk);
	smtp_reply_parser_init(&p);
	st = feed_chunks(&p, c->in, c->inlen, chunk, &used);
	EXPECT(name, st == c->status);
	EXPECT(name, used == c->consumed);
	EXPECT(name, p.reply.code == c->code);
	EXPECT(name, p.reply.nlines == c->nlines);
	if (c->status == SMTP_PARSE_DONE)
		EXPECT(name, p.reply.bare_lf == c->bare_lf);
	for (size_t i = 0; i < c->nlines; i++)
		EXPECT(name, strcmp(p.reply.lines[i], c->lines[i]) == 0);
	EXPECT(name, p.failed == (st != SMTP_PARSE_DONE &&
	    st != SMTP_PARSE_MORE));

	/* DONE and errors hold: more input is refused, none consumed. */
	if (st != SMTP_PARSE_MORE) {
		EXPECT(name, smtp_reply_parser_feed(&p, "250 x\r\n", 7,
		    &used) == st);
		EXPECT(name, used == 0);
	}
	smtp_reply_parser_reset(&p);
}

static void
test_parse_table(void **state)
{
	static const size_t chunks[] = { SIZE_MAX, 1, 2, 3, 7 };

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(parse_cases); i++)
		for (size_t j = 0; j < UTIL_ARRAY_LEN(chunks); j++)
			check_parse_case(&parse_cases[i], chunks[j]);
}

/* "220 " + text + terminator, text of textlen 'x'. */
static char *
long_line(size_t textlen, const char *term, size_t *len)
{
	size_t tl = strlen(term);
	char *s = xcalloc(4 + textlen + tl + 1, 1);

	memcpy(s, "220 ", 4);
	memset(s + 4, 'x', textlen);
	memcpy(s + 4 + textlen, term, tl);
	*len = 4 + textlen + tl;
	return s;
}

struct long_case {
	const char		*name;
	size_t			 textlen;	/* after "220 " */
	const char		*term;
	enum smtp_parse_status	 status;
	size_t			 consumed;
	size_t			 textout;	/* printable text on DONE */
};

/* SMTP_LINE_MAX is 512 with CRLF: 510 octets of line before it. */
static const struct long_case long_cases[] = {
	{ "510 with CRLF", 506, "\r\n", SMTP_PARSE_DONE, 512, 506 },
	{ "510 with LF", 506, "\n", SMTP_PARSE_DONE, 511, 506 },
	{ "511 with CRLF", 507, "\r\n", SMTP_PARSE_E_LONGLINE, 511, 0 },
	{ "511 with LF", 507, "\n", SMTP_PARSE_E_LONGLINE, 511, 0 },
	{ "510 then CR CR LF", 506, "\r\r\n", SMTP_PARSE_E_LONGLINE, 512,
	  0 },
	/* The first CR is text, escaped to four octets. */
	{ "509 then CR CR LF", 505, "\r\r\n", SMTP_PARSE_DONE, 512, 509 },
	{ "510 then CR, no LF yet", 506, "\r", SMTP_PARSE_MORE, 511, 0 },
	{ "600 no newline", 596, "", SMTP_PARSE_E_LONGLINE, 511, 0 },
};

static void
test_long_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(long_cases); i++) {
		const struct long_case *c = &long_cases[i];
		size_t chunks[] = { SIZE_MAX, 1, 100 };
		size_t len;
		char *s = long_line(c->textlen, c->term, &len);

		for (size_t j = 0; j < UTIL_ARRAY_LEN(chunks); j++) {
			struct smtp_reply_parser p;
			size_t used;

			smtp_reply_parser_init(&p);
			EXPECT(c->name, feed_chunks(&p, s, len, chunks[j],
			    &used) == c->status);
			EXPECT(c->name, used == c->consumed);
			if (c->status == SMTP_PARSE_DONE)
				EXPECT(c->name, strlen(p.reply.lines[0]) ==
				    c->textout);
			smtp_reply_parser_reset(&p);
		}
		free(s);
	}
}

/* A peer that never sends a newline is cut off at the line cap. */
static void
test_megabyte_without_newline(void **state)
{
	const size_t mb = 1024 * 1024;
	struct smtp_reply_parser p;
	char *buf = xcalloc(mb, 1);
	size_t used, total = 0;
	enum smtp_parse_status st = SMTP_PARSE_MORE;

	(void)state;
	memcpy(buf, "220 ", 4);
	memset(buf + 4, 'A', mb - 4);

	smtp_reply_parser_init(&p);
	assert_int_equal(smtp_reply_parser_feed(&p, buf, mb, &used),
	    SMTP_PARSE_E_LONGLINE);
	assert_int_equal(used, SMTP_LINE_MAX - 1);
	smtp_reply_parser_reset(&p);

	/* The same in 4 KiB reads: the first read already fails. */
	for (size_t off = 0; off < mb && st == SMTP_PARSE_MORE; off += 4096) {
		st = smtp_reply_parser_feed(&p, buf + off, 4096, &used);
		total += used;
	}
	assert_int_equal(st, SMTP_PARSE_E_LONGLINE);
	assert_int_equal(total, SMTP_LINE_MAX - 1);

	/* Sticky: nothing more is read until reset. */
	assert_int_equal(smtp_reply_parser_feed(&p, "220 ok\r\n", 8, &used),
	    SMTP_PARSE_E_LONGLINE);
	assert_int_equal(used, 0);
	smtp_reply_parser_reset(&p);
	assert_int_equal(smtp_reply_parser_feed(&p, "220 ok\r\n", 8, &used),
	    SMTP_PARSE_DONE);
	assert_int_equal(used, 8);
	smtp_reply_parser_reset(&p);
	free(buf);
}

/* n lines "250-x", the last one "250 x" when last_space. */
static char *
many_lines(size_t n, bool last_space, size_t *len)
{
	char *s = xcalloc(n * 7 + 1, 1);

	for (size_t i = 0; i < n; i++)
		memcpy(s + i * 7, (i + 1 == n && last_space) ?
		    "250 x\r\n" : "250-x\r\n", 7);
	*len = n * 7;
	return s;
}

static void
test_too_many_lines(void **state)
{
	struct smtp_reply_parser p;
	size_t len, used;
	char *s;

	(void)state;
	/* Exactly the cap is fine. */
	s = many_lines(SMTP_REPLY_LINES_MAX, true, &len);
	smtp_reply_parser_init(&p);
	assert_int_equal(smtp_reply_parser_feed(&p, s, len, &used),
	    SMTP_PARSE_DONE);
	assert_int_equal(used, len);
	assert_int_equal(p.reply.nlines, SMTP_REPLY_LINES_MAX);
	smtp_reply_parser_reset(&p);
	free(s);

	/* One more line: refused once line 100 promises a 101st. */
	s = many_lines(SMTP_REPLY_LINES_MAX + 1, true, &len);
	assert_int_equal(feed_chunks(&p, s, len, 1, &used),
	    SMTP_PARSE_E_TOOMANY);
	assert_int_equal(used, SMTP_REPLY_LINES_MAX * 7);
	assert_int_equal(p.reply.nlines, SMTP_REPLY_LINES_MAX);
	smtp_reply_parser_reset(&p);
	free(s);
}

static void
test_too_many_bytes(void **state)
{
	struct smtp_reply_parser p;
	char line[512];
	size_t used, total = 0;
	enum smtp_parse_status st = SMTP_PARSE_MORE;

	(void)state;
	/* 40 legal lines of 510 octets: 20400 bytes, over the reply cap. */
	memset(line, 'y', sizeof(line));
	memcpy(line, "250-", 4);
	memcpy(line + 510, "\r\n", 2);
	smtp_reply_parser_init(&p);
	for (int i = 0; i < 40 && st == SMTP_PARSE_MORE; i++) {
		st = smtp_reply_parser_feed(&p, line, sizeof(line), &used);
		total += used;
	}
	assert_int_equal(st, SMTP_PARSE_E_TOOMANY);
	assert_int_equal(total, SMTP_REPLY_BYTES_MAX + 1);
	smtp_reply_parser_reset(&p);
}

/* Replies back to back, as a pipelining peer sends them. */
static void
test_take_and_continue(void **state)
{
	static const char in[] =
	    "220 mx.example.com ESMTP\r\n"
	    "250-mx.example.com\r\n250 STARTTLS\r\n"
	    "221 bye\n";
	static const int codes[] = { 220, 250, 221 };
	struct smtp_reply_parser p;
	struct smtp_reply r;
	size_t off = 0, used;
	int n = 0;

	(void)state;
	smtp_reply_parser_init(&p);
	while (off < sizeof(in) - 1) {
		assert_int_equal(smtp_reply_parser_feed(&p, in + off,
		    sizeof(in) - 1 - off, &used), SMTP_PARSE_DONE);
		off += used;
		smtp_reply_parser_take(&p, &r);
		assert_true(n < 3);
		assert_int_equal(r.code, codes[n]);
		assert_int_equal(r.bare_lf, n == 2);
		n++;
		/* The parser is empty again, with no state left over. */
		assert_int_equal(p.reply.nlines, 0);
		assert_int_equal(p.reply.code, 0);
		assert_int_equal(p.bytes, 0);
		assert_false(p.reply.bare_lf);
		smtp_reply_clear(&r);
	}
	assert_int_equal(n, 3);
	smtp_reply_parser_reset(&p);
	smtp_reply_clear(NULL);
}

static void
test_strerror(void **state)
{
	(void)state;
	for (int i = SMTP_PARSE_DONE; i <= SMTP_PARSE_E_CODE; i++) {
		const char *s = smtp_parse_strerror((enum smtp_parse_status)i);

		assert_non_null(s);
		for (int j = SMTP_PARSE_DONE; j < i; j++)
			assert_string_not_equal(s, smtp_parse_strerror(
			    (enum smtp_parse_status)j));
	}
	assert_non_null(smtp_parse_strerror((enum smtp_parse_status)99));
}

struct join_case {
	const char	*in;
	size_t		 inlen;
	const char	*want;
};

static const struct join_case join_cases[] = {
	{ W("220 mx.example.com ESMTP\r\n"), "220 mx.example.com ESMTP" },
	{ W("250-mx.example.com\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n"),
	  "250 mx.example.com / PIPELINING / SIZE 10240000" },
	{ W("220\r\n"), "220" },
	{ W("220-\r\n220 second\r\n"), "220 / second" },
	{ W("554 no\0way\r\n"), "554 no\\x00way" },
};

static void
test_join(void **state)
{
	struct smtp_reply r;
	char *s;

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(join_cases); i++) {
		const struct join_case *c = &join_cases[i];

		parse_ok(c->in, c->inlen, &r);
		s = smtp_reply_join(&r);
		EXPECT(c->want, strcmp(s, c->want) == 0);
		free(s);
		smtp_reply_clear(&r);
	}
	memset(&r, 0, sizeof(r));
	s = smtp_reply_join(&r);
	assert_string_equal(s, "");
	free(s);
	s = smtp_reply_join(NULL);
	assert_string_equal(s, "");
	free(s);
}

struct host_case {
	const char	*line;		/* the reply's wire bytes */
	const char	*want;		/* NULL: no hostname */
};

static const struct host_case host_cases[] = {
	{ "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n",
	  "mail.example.com" },
	{ "220 ESMTP ready\r\n", NULL },
	{ "220 [192.0.2.1] ESMTP\r\n", "[192.0.2.1]" },
	{ "220 [IPv6:2001:db8::25] ESMTP\r\n", "[IPv6:2001:db8::25]" },
	{ "220 [ipv6:2001:db8::25] ESMTP\r\n", "[ipv6:2001:db8::25]" },
	{ "220 [2001:db8::25] ESMTP\r\n", NULL },
	{ "220 [IPv6:192.0.2.1] ESMTP\r\n", NULL },
	{ "220 [192.0.2.256] ESMTP\r\n", NULL },
	{ "220 [mx.example.com] ESMTP\r\n", NULL },
	{ "220 [] ESMTP\r\n", NULL },
	{ "220 localhost ESMTP\r\n", "localhost" },
	{ "220 LOCALHOST.\r\n", "LOCALHOST." },
	{ "220\r\n", NULL },
	{ "220 \r\n", NULL },
	{ "220  mx.example.com double space\r\n", NULL },
	{ "220 mx.example.com.\r\n", "mx.example.com." },
	{ "220 -bad.example.com ESMTP\r\n", NULL },
	{ "220 bad-.example.com ESMTP\r\n", NULL },
	{ "220 mx..example.com ESMTP\r\n", NULL },
	{ "220 mx_1.example.com ESMTP\r\n", NULL },
	{ "220 ESMTP; ready\r\n", NULL },
	{ "220 mail ESMTP\r\n", NULL },
	{ "220 Welcome to our server\r\n", NULL },
	{ "220 EX01.corp.example.com Microsoft ESMTP MAIL Service ready\r\n",
	  "EX01.corp.example.com" },
	{ "250-mx.google.com at your service, [192.0.2.10]\r\n"
	  "250 SMTPUTF8\r\n", "mx.google.com" },
	{ "250 mx.example.com\r\n", "mx.example.com" },
	/* RFC 3463 enhanced status codes before the name */
	{ "554 5.7.1 mx.example.com No SMTP service here\r\n",
	  "mx.example.com" },
	{ "421 4.3.2 mx.example.com Service not available\r\n",
	  "mx.example.com" },
	{ "554 5.7.1 Access denied\r\n", NULL },
	{ "554 5.7.1\r\n", NULL },
	{ "554 5.7.1234 mx.example.com\r\n", NULL },
	{ "554 6.7.1 mx.example.com\r\n", NULL },
	{ "220 mx.exa\001mple.com ESMTP\r\n", NULL },
	{ "220 192.0.2.1 ESMTP\r\n", "192.0.2.1" },
	{ "220 xn--bcher-kva.example ESMTP\r\n", "xn--bcher-kva.example" },
};

static void
test_hostname(void **state)
{
	struct smtp_reply r;
	char out[SMTP_HOSTNAME_MAX];

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(host_cases); i++) {
		const struct host_case *c = &host_cases[i];
		bool ok;

		parse_ok(c->line, strlen(c->line), &r);
		memset(out, 'Z', sizeof(out));
		ok = smtp_reply_hostname(&r, out, sizeof(out));
		EXPECT(c->line, ok == (c->want != NULL));
		EXPECT(c->line, strcmp(out, c->want ? c->want : "") == 0);
		smtp_reply_clear(&r);
	}

	/* A buffer too small misses the name rather than cutting it. */
	parse_ok(W("220 mx.example.com ESMTP\r\n"), &r);
	assert_false(smtp_reply_hostname(&r, out, 14));
	assert_string_equal(out, "");
	assert_true(smtp_reply_hostname(&r, out, 15));
	assert_string_equal(out, "mx.example.com");
	assert_false(smtp_reply_hostname(&r, NULL, 0));
	smtp_reply_clear(&r);
	assert_false(smtp_reply_hostname(NULL, out, sizeof(out)));
	assert_false(smtp_reply_hostname(&r, out, sizeof(out)));
}

/* A name of total octets made of 63-octet labels and a shorter last one. */
static char *
name_of_len(size_t total)
{
	char *s = xcalloc(total + 1, 1);

	memset(s, 'a', total);
	for (size_t i = 63; i < total; i += 64)
		s[i] = '.';
	if (s[total - 1] == '.')
		s[total - 2] = '.', s[total - 1] = 'b';
	return s;
}

static void
test_hostname_valid(void **state)
{
	static const struct {
		const char	*name;
		bool		 ok;
	} cases[] = {
		{ "mx.example.com", true },
		{ "mx.example.com.", true },
		{ "localhost", true },
		{ "a", true },
		{ "1.2.3.4", true },
		{ "a-b.c", true },
		{ "", false },
		{ ".", false },
		{ "..", false },
		{ ".example.com", false },
		{ "mx.example.com..", false },
		{ "-a.example", false },
		{ "a-.example", false },
		{ "a.-b", false },
		{ "a_b.example", false },
		{ "a b.example", false },
		{ "[192.0.2.1]", false },
		{ "mx.example.com\\x00", false },
	};
	char label[70], *s;

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(cases); i++)
		EXPECT(cases[i].name,
		    smtp_hostname_valid(cases[i].name) == cases[i].ok);
	assert_false(smtp_hostname_valid(NULL));

	memset(label, 'a', sizeof(label));
	memcpy(label + 63, ".com", 5);
	assert_true(smtp_hostname_valid(label));	/* 63-octet label */
	memset(label, 'a', sizeof(label));
	memcpy(label + 64, ".com", 5);
	assert_false(smtp_hostname_valid(label));	/* 64 */

	s = name_of_len(253);
	assert_int_equal(strlen(s), 253);
	assert_true(smtp_hostname_valid(s));
	free(s);
	s = name_of_len(254);
	assert_false(smtp_hostname_valid(s));
	free(s);
	/* 253 octets plus the root dot is still 253. */
	s = name_of_len(253);
	s = xreallocarray(s, 255, 1);
	memcpy(s + 253, ".", 2);
	assert_true(smtp_hostname_valid(s));
	free(s);
}

/* A 254-octet name in a greeting is not a hostname. */
static void
test_hostname_too_long(void **state)
{
	struct smtp_reply r;
	char out[SMTP_HOSTNAME_MAX], *name, *wire;

	(void)state;
	name = name_of_len(254);
	wire = xasprintf("220 %s ESMTP\r\n", name);
	parse_ok(wire, strlen(wire), &r);
	assert_false(smtp_reply_hostname(&r, out, sizeof(out)));
	smtp_reply_clear(&r);
	free(wire);
	free(name);

	name = name_of_len(253);
	wire = xasprintf("220 %s ESMTP\r\n", name);
	parse_ok(wire, strlen(wire), &r);
	assert_true(smtp_reply_hostname(&r, out, sizeof(out)));
	assert_string_equal(out, name);
	smtp_reply_clear(&r);
	free(wire);
	free(name);
}

struct caps_case {
	const char	*name;
	const char	*in;
	bool		 starttls, pipelining, eightbitmime, smtputf8;
	bool		 chunking, auth;
	long		 size;
	size_t		 nkeywords;
};

static const struct caps_case caps_cases[] = {
	{ "postfix",
	  "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	  "250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n"
	  "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n"
	  "250-SMTPUTF8\r\n250 CHUNKING\r\n",
	  true, true, true, true, true, false, 10240000, 10 },
	{ "exchange",
	  "250-EX01.corp.example.com Hello [192.0.2.10]\r\n"
	  "250-SIZE 37748736\r\n250-PIPELINING\r\n250-DSN\r\n"
	  "250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n"
	  "250-X-ANONYMOUSTLS\r\n250-AUTH NTLM\r\n250-X-EXPS GSSAPI NTLM\r\n"
	  "250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n250 XRDST\r\n",
	  true, true, true, false, true, true, 37748736, 12 },
	{ "sendmail SIZE without number",
	  "250-mail.example.com Hello client.example.net [192.0.2.10], "
	  "pleased to meet you\r\n250-ENHANCEDSTATUSCODES\r\n"
	  "250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE\r\n250-DSN\r\n"
	  "250-ETRN\r\n250-AUTH DIGEST-MD5 CRAM-MD5\r\n250-DELIVERBY\r\n"
	  "250 HELP\r\n",
	  false, true, true, false, false, true, 0, 9 },
	{ "old AUTH= form, lower case",
	  "250-mx.example.com\r\n250-auth=LOGIN PLAIN\r\n250-starttls\r\n"
	  "250 size 0\r\n",
	  true, false, false, false, false, true, 0, 3 },
	{ "keyword needs the whole word",
	  "250-mx.example.com\r\n250-STARTTLSX\r\n250-AUTHENTICATE\r\n"
	  "250-SIZEX 5\r\n250 XPIPELINING\r\n",
	  false, false, false, false, false, false, -1, 4 },
	{ "huge SIZE clamps",
	  "250-mx.example.com\r\n250 SIZE 99999999999999999999999999\r\n",
	  false, false, false, false, false, false, LONG_MAX, 1 },
	{ "garbage SIZE is no limit",
	  "250-mx.example.com\r\n250 SIZE 10M\r\n",
	  false, false, false, false, false, false, 0, 1 },
	{ "first SIZE wins",
	  "250-mx.example.com\r\n250-SIZE 1000\r\n250 SIZE 2000\r\n",
	  false, false, false, false, false, false, 1000, 2 },
	{ "greeting line is no keyword",
	  "250 STARTTLS\r\n",
	  false, false, false, false, false, false, -1, 0 },
};

static void
test_caps(void **state)
{
	struct smtp_reply r;
	struct smtp_caps caps;

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(caps_cases); i++) {
		const struct caps_case *c = &caps_cases[i];

		parse_ok(c->in, strlen(c->in), &r);
		smtp_caps_parse(&r, &caps);
		EXPECT(c->name, caps.starttls == c->starttls);
		EXPECT(c->name, caps.pipelining == c->pipelining);
		EXPECT(c->name, caps.eightbitmime == c->eightbitmime);
		EXPECT(c->name, caps.smtputf8 == c->smtputf8);
		EXPECT(c->name, caps.chunking == c->chunking);
		EXPECT(c->name, caps.auth == c->auth);
		EXPECT(c->name, caps.size == c->size);
		EXPECT(c->name, caps.nkeywords == c->nkeywords);
		/* Whole lines, as sent, from the second line on. */
		for (size_t k = 0; k < caps.nkeywords; k++)
			EXPECT(c->name,
			    strcmp(caps.keywords[k], r.lines[k + 1]) == 0);
		smtp_caps_clear(&caps);
		EXPECT(c->name, caps.nkeywords == 0 && caps.size == -1 &&
		    !caps.starttls);
		smtp_reply_clear(&r);
	}

	smtp_caps_parse(NULL, &caps);
	assert_int_equal(caps.size, -1);
	assert_int_equal(caps.nkeywords, 0);
	assert_false(caps.starttls);
	smtp_caps_clear(&caps);
	smtp_caps_clear(NULL);
}

struct mta_case {
	const char	*greeting;	/* wire bytes, or NULL */
	const char	*ehlo;		/* wire bytes, or NULL */
	enum smtp_mta	 want;
};

static const struct mta_case mta_cases[] = {
	{ "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n", NULL,
	  SMTP_MTA_POSTFIX },
	{ "220 mx.example.org ESMTP Postfix (3.7.11)\r\n", NULL,
	  SMTP_MTA_POSTFIX },
	{ "220 exim.example.test ESMTP Exim 4.96 Sun, 22 Nov 2026 "
	  "07:00:00 +0000\r\n", NULL, SMTP_MTA_EXIM },
	{ "220-exim.example.test ESMTP Exim 4.97.1 #2 Sun, 22 Nov 2026 "
	  "07:00:00 +0000 \r\n220-We do not authorize the use of this "
	  "system to transport unsolicited,\r\n220 and/or bulk e-mail.\r\n",
	  NULL, SMTP_MTA_EXIM },
	{ "220 smtpd.example.test ESMTP OpenSMTPD\r\n", NULL,
	  SMTP_MTA_OPENSMTPD },
	{ "220 EX01.corp.example.com Microsoft ESMTP MAIL Service ready "
	  "at Sun, 22 Nov 2026 07:00:00 +0000\r\n", NULL,
	  SMTP_MTA_EXCHANGE },
	{ "220 mail.example.com ESMTP Server (Microsoft Exchange Internet "
	  "Mail Service 5.5.2653.13) ready\r\n", NULL, SMTP_MTA_EXCHANGE },
	{ "220 mail.example.com ESMTP Sendmail 8.15.2/8.15.2; Sun, 22 Nov "
	  "2026 07:00:00 GMT\r\n", NULL, SMTP_MTA_SENDMAIL },
	{ "220 mx.google.com ESMTP a1-20020a05600c000100b0040e3b3b3b3bsi"
	  "1234567wmq.123 - gsmtp\r\n", NULL, SMTP_MTA_GOOGLE },
	{ "220 smtp.gmail.com ESMTP ffacd0b85a97d-3a4e5c8f5c8si12 - gsmtp\r\n",
	  NULL, SMTP_MTA_GOOGLE },
	{ "220 BN8NAM12FT063.mail.protection.outlook.com Microsoft ESMTP "
	  "MAIL Service ready at Sun, 22 Nov 2026 07:00:00 +0000 "
	  "[08DC1234ABCD5678]\r\n", NULL, SMTP_MTA_MICROSOFT365 },
	{ "220 BN0PR04CA0076.outlook.office365.com Microsoft ESMTP MAIL "
	  "Service ready at Sun, 22 Nov 2026 07:00:00 +0000\r\n", NULL,
	  SMTP_MTA_MICROSOFT365 },
	{ "220 mail.example.com ESMTP MDaemon 23.5.2; Sun, 22 Nov 2026 "
	  "07:00:00 +0000\r\n", NULL, SMTP_MTA_MDAEMON },
	{ "220 mail.example.com ESMTP hMailServer\r\n", NULL,
	  SMTP_MTA_HMAILSERVER },
	{ "220 mx.example.com ESMTP Halon\r\n", NULL, SMTP_MTA_HALON },
	{ "220 mail.example.net ESMTP netqmail\r\n", NULL, SMTP_MTA_QMAIL },
	{ "220 mail.example.net ESMTP s/qmail\r\n", NULL, SMTP_MTA_QMAIL },
	{ "220 zimbra.example.com ESMTP Postfix\r\n", NULL,
	  SMTP_MTA_POSTFIX },
	{ "220 mail.example.com ESMTP Postfix (Zimbra)\r\n", NULL,
	  SMTP_MTA_ZIMBRA },
	/* Nothing to go on. */
	{ "220 mail.example.net ESMTP\r\n",
	  "250-mail.example.net\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
	  SMTP_MTA_UNKNOWN },
	{ "220 ESMTP ready\r\n", NULL, SMTP_MTA_UNKNOWN },
	{ NULL, NULL, SMTP_MTA_UNKNOWN },
	/* Words inside hostnames or longer words do not count. */
	{ "220 postfix.example.com ESMTP Exim 4.96\r\n", NULL,
	  SMTP_MTA_EXIM },
	{ "220 sendmail-gw.example.com ESMTP\r\n", NULL, SMTP_MTA_UNKNOWN },
	{ "220 mx.example.com ESMTP Eximious\r\n", NULL, SMTP_MTA_UNKNOWN },
	{ "220 mx.notgoogle.com ESMTP\r\n", NULL, SMTP_MTA_UNKNOWN },
	{ "220 mx.example.com ESMTP powered by Postfix.\r\n", NULL,
	  SMTP_MTA_POSTFIX },
	/* Only the EHLO reply gives it away. */
	{ "220 mx.example.com ESMTP\r\n",
	  "250-EX01.corp.example.com Hello [192.0.2.10]\r\n"
	  "250-XEXCH50\r\n250 8BITMIME\r\n", SMTP_MTA_EXCHANGE },
	{ NULL, "250-mx.google.com at your service, [192.0.2.10]\r\n"
	  "250 SMTPUTF8\r\n", SMTP_MTA_GOOGLE },
	/* Order: Microsoft 365's EHLO host beats Exchange banner text. */
	{ "220 mx.example.com Microsoft ESMTP MAIL Service ready\r\n",
	  "250-AM0PR02MB1234.eurprd02.prod.outlook.com Hello "
	  "[192.0.2.10]\r\n250 SMTPUTF8\r\n", SMTP_MTA_MICROSOFT365 },
};

static void
test_detect_mta(void **state)
{
	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(mta_cases); i++) {
		const struct mta_case *c = &mta_cases[i];
		struct smtp_reply g, e;
		enum smtp_mta got;
		char name[96];

		memset(&g, 0, sizeof(g));
		memset(&e, 0, sizeof(e));
		if (c->greeting)
			parse_ok(c->greeting, strlen(c->greeting), &g);
		if (c->ehlo)
			parse_ok(c->ehlo, strlen(c->ehlo), &e);
		got = smtp_detect_mta(c->greeting ? &g : NULL,
		    c->ehlo ? &e : NULL);
		snprintf(name, sizeof(name), "%.60s -> %s",
		    c->greeting ? c->greeting : c->ehlo ? c->ehlo : "(none)",
		    smtp_mta_display(got));
		EXPECT(name, got == c->want);
		smtp_reply_clear(&g);
		smtp_reply_clear(&e);
	}
}

static void
test_mta_names(void **state)
{
	static const struct {
		enum smtp_mta	 m;
		const char	*name;
		const char	*display;
	} cases[] = {
		{ SMTP_MTA_POSTFIX, "postfix", "Postfix" },
		{ SMTP_MTA_EXIM, "exim", "Exim" },
		{ SMTP_MTA_OPENSMTPD, "opensmtpd", "OpenSMTPD" },
		{ SMTP_MTA_EXCHANGE, "exchange", "Microsoft Exchange" },
		{ SMTP_MTA_SENDMAIL, "sendmail", "Sendmail" },
		{ SMTP_MTA_QMAIL, "qmail", "qmail" },
		{ SMTP_MTA_HALON, "halon", "Halon" },
		{ SMTP_MTA_HMAILSERVER, "hmailserver", "hMailServer" },
		{ SMTP_MTA_MDAEMON, "mdaemon", "MDaemon" },
		{ SMTP_MTA_ZIMBRA, "zimbra", "Zimbra" },
		{ SMTP_MTA_GOOGLE, "google", "Google" },
		{ SMTP_MTA_MICROSOFT365, "microsoft365", "Microsoft 365" },
	};

	(void)state;
	/* Every MTA but unknown is in the table: names are a stable API. */
	assert_int_equal(UTIL_ARRAY_LEN(cases), SMTP_MTA_COUNT - 1);
	for (size_t i = 0; i < UTIL_ARRAY_LEN(cases); i++) {
		EXPECT(cases[i].name, smtp_mta_name(cases[i].m) != NULL &&
		    strcmp(smtp_mta_name(cases[i].m), cases[i].name) == 0);
		EXPECT(cases[i].name,
		    strcmp(smtp_mta_display(cases[i].m),
		    cases[i].display) == 0);
	}
	assert_null(smtp_mta_name(SMTP_MTA_UNKNOWN));
	assert_null(smtp_mta_name(SMTP_MTA_COUNT));
	assert_string_equal(smtp_mta_display(SMTP_MTA_UNKNOWN), "unknown");
	assert_string_equal(smtp_mta_display(SMTP_MTA_COUNT), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_megabyte_without_newline),
		cmocka_unit_test(test_too_many_lines),
		cmocka_unit_test(test_too_many_bytes),
		cmocka_unit_test(test_take_and_continue),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_hostname_valid),
		cmocka_unit_test(test_hostname_too_long),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_detect_mta),
		cmocka_unit_test(test_mta_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

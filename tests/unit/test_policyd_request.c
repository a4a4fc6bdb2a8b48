/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the Postfix policy request parser (policyd/request.c): a
 * table of inputs with the status, the bytes consumed and the attributes
 * each must give; the caps at and one past their limits; requests back to
 * back. Every input is also fed split at each offset and in small pieces,
 * and must parse exactly as when it arrives at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policyd/request.h"

/* The attributes the parser keeps, by name, for the checks below. */
#define KNOWN(f)	{ #f, offsetof(struct policy_request, f) }
static const struct {
	const char	*name;
	size_t		 off;
} known[] = {
	KNOWN(request), KNOWN(protocol_state), KNOWN(protocol_name),
	KNOWN(client_address), KNOWN(client_name), KNOWN(reverse_client_name),
	KNOWN(helo_name), KNOWN(sender), KNOWN(recipient),
	KNOWN(sasl_username), KNOWN(instance), KNOWN(queue_id),
	KNOWN(server_address),
};
#define NKNOWN	(sizeof(known) / sizeof(known[0]))

static const char *
known_value(const struct policy_request *rq, size_t i)
{
	return *(const char *const *)(const void *)((const char *)rq +
	    known[i].off);
}

static const char *
value_of(const struct policy_request *rq, const char *name)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strcmp(known[i].name, name) == 0)
			return known_value(rq, i);
	fail_msg("\"%s\" is not an attribute the parser keeps", name);
	return NULL;
}

/* A request as the SMTPD_POLICY_README lists it (Postfix 3.8 attributes),
 * with the values of its example. */
#define POSTFIX_REQUEST \
	"request=smtpd_access_policy\n" \
	"protocol_state=RCPT\n" \
	"protocol_name=SMTP\n" \
	"helo_name=some.domain.tld\n" \
	"queue_id=8045F2AB23\n" \
	"sender=foo@bar.tld\n" \
	"recipient=bar@foo.tld\n" \
	"recipient_count=0\n" \
	"client_address=1.2.3.4\n" \
	"client_name=another.domain.tld\n" \
	"reverse_client_name=another.domain.tld\n" \
	"instance=123.456.7\n" \
	"sasl_method=plain\n" \
	"sasl_username=you\n" \
	"sasl_sender=\n" \
	"size=12345\n" \
	"ccert_subject=solaris9.porcupine.org\n" \
	"ccert_issuer=Wietse+20Venema\n" \
	"ccert_fingerprint=C2:9D:F4:87:71:73:73:D9:18:E7:C2:F3:C1:DA:6E:04\n" \
	"ccert_pubkey_fingerprint=68:B3:29:DA:98:93:E3:40:99:C7:D8:AD:5C:B9:" \
	    "C9:40\n" \
	"encryption_protocol=TLSv1/SSLv3\n" \
	"encryption_cipher=DHE-RSA-AES256-SHA\n" \
	"encryption_keysize=256\n" \
	"etrn_domain=\n" \
	"stress=\n" \
	"server_address=10.3.2.1\n" \
	"server_port=54321\n" \
	"compatibility_level=major.minor.patch\n" \
	"mail_version=3.8.0\n" \
	"policy_context=submission\n" \
	"\n"

struct bytes {
	const char	*p;
	size_t		 n;
};
#define B(s)	{ s, sizeof(s) - 1 }

/*
 * head: what the first feed must consume; tail: what it must leave. For
 * POLICY_DONE the head is the request, for POLICY_MORE its complete lines,
 * for an error the good lines before the bad one.
 */
static const struct row {
	const char		*what;
	struct bytes		 head, tail;
	enum policy_status	 want;
	size_t			 nattrs;	/* checked on POLICY_DONE */
	const char		*attr[NKNOWN + 1][2];	/* name, value (NULL:
						 * absent); checked on DONE */
} rows[] = {
	{ "Postfix 3.8 request", B(POSTFIX_REQUEST), B(""), POLICY_DONE, 30,
	    { { "request", "smtpd_access_policy" },
	      { "protocol_state", "RCPT" }, { "protocol_name", "SMTP" },
	      { "client_address", "1.2.3.4" },
	      { "client_name", "another.domain.tld" },
	      { "reverse_client_name", "another.domain.tld" },
	      { "helo_name", "some.domain.tld" },
	      { "sender", "foo@bar.tld" }, { "recipient", "bar@foo.tld" },
	      { "sasl_username", "you" }, { "instance", "123.456.7" },
	      { "queue_id", "8045F2AB23" },
	      { "server_address", "10.3.2.1" } } },
	{ "minimal", B("request=smtpd_access_policy\n\n"), B(""), POLICY_DONE,
	    1, { { "request", "smtpd_access_policy" }, { "sender", NULL },
	    { "client_address", NULL } } },
	{ "next request left alone",
	    B("request=smtpd_access_policy\nsender=a@b\n\n"),
	    B("request=smtpd_access_policy\nsender=c@d\n\n"), POLICY_DONE, 2,
	    { { "sender", "a@b" } } },
	{ "CRLF", B("request=smtpd_access_policy\r\nsender=a@b\r\n\r\n"),
	    B("x"), POLICY_DONE, 2,
	    { { "request", "smtpd_access_policy" }, { "sender", "a@b" } } },
	{ "CRLF and LF mixed", B("sender=a@b\r\nrecipient=c@d\n\r\n"), B(""),
	    POLICY_DONE, 2, { { "sender", "a@b" }, { "recipient", "c@d" } } },
	{ "only the CR before LF goes", B("helo_name=a\rb\r\r\n\n"), B(""),
	    POLICY_DONE, 1, { { "helo_name", "a\rb\r" } } },
	{ "'=' in a value", B("sender=a=b==\nx==\n\n"), B(""), POLICY_DONE, 2,
	    { { "sender", "a=b==" } } },
	{ "empty value", B("sender=\nrecipient=x@y\n\n"), B(""), POLICY_DONE,
	    2, { { "sender", "" }, { "recipient", "x@y" } } },
	{ "empty request", B("\n"), B("request=x\n\n"), POLICY_DONE, 0,
	    { { "request", NULL } } },
	{ "empty request, CRLF", B("\r\n"), B(""), POLICY_DONE, 0,
	    { { "request", NULL } } },
	{ "names compare exactly",
	    B("Sender=a\nsender =b\n sender=c\nsenderx=d\nsende=e\n"
	    "sender=f\n\n"), B(""), POLICY_DONE, 6, { { "sender", "f" } } },
	{ "unknown attribute twice", B("size=1\nsize=2\nsender=\n\n"), B(""),
	    POLICY_DONE, 3, { { "sender", "" } } },
	{ "8-bit and controls are the caller's business",
	    B("helo_name=\xc3\xa9\t\x01\x7f\n\n"), B(""), POLICY_DONE, 1,
	    { { "helo_name", "\xc3\xa9\t\x01\x7f" } } },

	{ "nothing yet", B(""), B(""), POLICY_MORE, 0, { { NULL } } },
	{ "partial line", B("request=smtpd_access_policy\n"), B("send"),
	    POLICY_MORE, 0, { { NULL } } },
	{ "partial line ending in CR", B("sender=a\n"), B("\r"), POLICY_MORE,
	    0, { { NULL } } },
	{ "NUL in a partial line waits for its line", B(""), B("sender=a\0"),
	    POLICY_MORE, 0, { { NULL } } },

	{ "no '='", B("request=smtpd_access_policy\n"), B("sender\n\n"),
	    POLICY_ERR_SYNTAX, 0, { { NULL } } },
	{ "no '=', CRLF", B(""), B("sender\r\n\r\n"), POLICY_ERR_SYNTAX, 0,
	    { { NULL } } },
	{ "empty name", B("sender=a\n"), B("=x\n\n"), POLICY_ERR_SYNTAX, 0,
	    { { NULL } } },
	{ "'=' alone", B(""), B("=\n\n"), POLICY_ERR_SYNTAX, 0, { { NULL } } },
	{ "CR alone is not an empty line", B(""), B("\r\r\n"),
	    POLICY_ERR_SYNTAX, 0, { { NULL } } },
	{ "NUL in a value", B("request=x\n"), B("sender=a\0b\n\n"),
	    POLICY_ERR_NUL, 0, { { NULL } } },
	{ "NUL in a name", B(""), B("sen\0der=a\n\n"), POLICY_ERR_NUL, 0,
	    { { NULL } } },
	{ "NUL before the CR", B(""), B("size=1\0\r\n\n"), POLICY_ERR_NUL, 0,
	    { { NULL } } },
	{ "NUL line", B(""), B("\0\n"), POLICY_ERR_NUL, 0, { { NULL } } },
	{ "known attribute twice", B("sender=a@b\nsize=1\n"),
	    B("sender=a@b\n\n"), POLICY_ERR_DUP, 0, { { NULL } } },
	{ "known attribute twice, once empty", B("recipient=\n"),
	    B("recipient=x@y\n\n"), POLICY_ERR_DUP, 0, { { NULL } } },
};

/* What a feed gave; compared between whole and split deliveries. */
struct outcome {
	enum policy_status	 st;
	size_t			 pos;	/* bytes consumed in all */
};

/*
 * Deliver in[0..len) as a server would: first `first` bytes, then `step`
 * more at a time (0: all the rest), keeping what was not consumed, until
 * the parser says anything but POLICY_MORE or the input is all delivered.
 */
static struct outcome
deliver(struct policy_request *rq, const char *in, size_t len, size_t first,
    size_t step)
{
	struct outcome o = { POLICY_MORE, 0 };
	size_t end = first < len ? first : len, c;

	policy_request_reset(rq);
	for (;;) {
		o.st = policy_request_feed(rq, in + o.pos, end - o.pos, &c);
		assert_true(c <= end - o.pos);
		o.pos += c;
		if (o.st != POLICY_MORE)
			return o;
		/* MORE consumed every complete line. */
		assert_null(memchr(in + o.pos, '\n', end - o.pos));
		if (end == len)
			return o;
		end += step == 0 || step > len - end ? len - end : step;
	}
}

static void
assert_same(const char *what, size_t len, const char *how, size_t arg,
    const struct outcome *a, const struct policy_request *ra,
    const struct outcome *b, const struct policy_request *rb)
{
	if (a->st != b->st || a->pos != b->pos)
		fail_msg("%s (%zu bytes) %s %zu: %s at %zu, at once: %s at %zu",
		    what, len, how, arg, policy_status_str(b->st), b->pos,
		    policy_status_str(a->st), a->pos);
	if (a->st != POLICY_DONE)
		return;
	assert_int_equal(ra->nattrs, rb->nattrs);
	assert_int_equal(ra->bytes, rb->bytes);
	assert_int_equal(ra->used, rb->used);
	for (size_t i = 0; i < NKNOWN; i++) {
		const char *va = known_value(ra, i), *vb = known_value(rb, i);

		if ((va == NULL) != (vb == NULL) ||
		    (va != NULL && strcmp(va, vb) != 0))
			fail_msg("%s %s %zu: %s differs", what, how, arg,
			    known[i].name);
	}
}

/* Is a cut at i worth trying on a long input: near a line's end, or one
 * offset in 11 (every offset of a 16 KB input costs seconds under ASan). */
static bool
cut_worth(const char *in, size_t len, size_t i)
{
	if (len <= 4096 || i % 11 == 0)
		return true;
	for (size_t j = i >= 2 ? i - 2 : 0; j < len && j <= i + 2; j++)
		if (in[j] == '\n' || in[j] == '\r')
			return true;
	return false;
}

/*
 * Feed in[0..len) at once and check the outcome; then split it every way
 * and check that nothing changes. The parsed request stays in *rq.
 */
static void
check_input(const char *what, const char *in, size_t len, size_t headlen,
    enum policy_status want, size_t nattrs, struct policy_request *rq)
{
	static struct policy_request split;
	static const size_t steps[] = { 1, 2, 3, 7, 64, 1000, 2049 };
	struct outcome whole, o;

	whole = deliver(rq, in, len, len, 0);
	if (whole.st != want || whole.pos != headlen)
		fail_msg("%s: want %s after %zu bytes, got %s after %zu", what,
		    policy_status_str(want), headlen,
		    policy_status_str(whole.st), whole.pos);
	if (want == POLICY_DONE) {
		assert_int_equal(rq->nattrs, nattrs);
		assert_int_equal(rq->bytes, headlen);
		assert_true(rq->used <= rq->bytes);
	}
	for (size_t i = 0; i <= len; i++) {
		if (!cut_worth(in, len, i))
			continue;
		o = deliver(&split, in, len, i, 0);
		assert_same(what, len, "cut at", i, &whole, rq, &o, &split);
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		o = deliver(&split, in, len, 0, steps[i]);
		assert_same(what, len, "fed in pieces of", steps[i], &whole, rq,
		    &o, &split);
	}
}

static void
test_table(void **state)
{
	static struct policy_request rq;
	static char in[1024];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		assert_true(r->head.n + r->tail.n <= sizeof(in));
		memcpy(in, r->head.p, r->head.n);
		memcpy(in + r->head.n, r->tail.p, r->tail.n);
		check_input(r->what, in, r->head.n + r->tail.n, r->head.n,
		    r->want, r->nattrs, &rq);
		if (r->want != POLICY_DONE)
			continue;
		for (size_t j = 0; r->attr[j][0] != NULL; j++) {
			const char *got = value_of(&rq, r->attr[j][0]);
			const char *want = r->attr[j][1];

			if (want == NULL ? got != NULL : (got == NULL ||
			    strcmp(got, want) != 0))
				fail_msg("%s: %s is \"%s\", want \"%s\"",
				    r->what, r->attr[j][0],
				    got ? got : "(absent)",
				    want ? want : "(absent)");
		}
	}
}

/* The full request sets every attribute mxdiag keeps; none is left out of
 * the table above by mistake. */
static void
test_postfix_all_known(void **state)
{
	static struct policy_request rq;
	size_t c;

	policy_request_reset(&rq);
	assert_int_equal(policy_request_feed(&rq, POSTFIX_REQUEST,
	    strlen(POSTFIX_REQUEST), &c), POLICY_DONE);
	for (size_t i = 0; i < NKNOWN; i++) {
		const char *v = known_value(&rq, i);

		assert_non_null(v);
		/* Each value points into buf and ends within used. */
		assert_true(v >= rq.buf && v < rq.buf + rq.used);
		assert_non_null(memchr(v, '\0', (size_t)(rq.buf + rq.used -
		    v)));
	}
}

/* "NAME=" followed by vlen bytes of fill, then end, into out. */
static size_t
line(char *out, const char *name, size_t vlen, char fill, const char *end)
{
	size_t n = strlen(name);

	memcpy(out, name, n);
	out[n++] = '=';
	memset(out + n, fill, vlen);
	n += vlen;
	memcpy(out + n, end, strlen(end));
	return n + strlen(end);
}

static void
test_line_max(void **state)
{
	static struct policy_request rq;
	static char in[2 * POLICY_LINE_MAX];
	const size_t v = POLICY_LINE_MAX - strlen("sender=");
	size_t n, head;

	/* Exactly POLICY_LINE_MAX bytes before the "\n": kept whole. */
	n = line(in, "sender", v, 'a', "\n\n");
	check_input("line at the cap", in, n, n, POLICY_DONE, 1, &rq);
	assert_int_equal(strlen(rq.sender), v);
	assert_true(rq.sender[0] == 'a' && rq.sender[v - 1] == 'a');
	/* One more: refused. */
	n = line(in, "sender", v + 1, 'a', "\n\n");
	check_input("line one past the cap", in, n, 0, POLICY_ERR_LINE, 0,
	    &rq);
	/* The "\r" of a CRLF counts. */
	n = line(in, "sender", v - 1, 'a', "\r\n\r\n");
	check_input("CRLF line at the cap", in, n, n, POLICY_DONE, 1, &rq);
	assert_int_equal(strlen(rq.sender), v - 1);
	n = line(in, "sender", v, 'a', "\r\n\r\n");
	check_input("CRLF line one past the cap", in, n, 0, POLICY_ERR_LINE, 0,
	    &rq);
	/* Without a newline: POLICY_LINE_MAX bytes may still become a line,
	 * one more never can. */
	head = line(in, "request", 3, 'x', "\n");
	n = head + line(in + head, "sender", v, 'a', "");
	check_input("partial line at the cap", in, n, head, POLICY_MORE, 0,
	    &rq);
	n = head + line(in + head, "sender", v + 1, 'a', "");
	check_input("partial line past the cap", in, n, head, POLICY_ERR_LINE,
	    0, &rq);
	/* An unknown attribute's line has the same cap. */
	n = line(in, "x", POLICY_LINE_MAX, '=', "\n\n");
	check_input("long unknown line", in, n, 0, POLICY_ERR_LINE, 0, &rq);
}

/* Values longer than 255 bytes (the usual size of a fixed field) are kept
 * whole, one after the other. */
static void
test_long_values(void **state)
{
	static struct policy_request rq;
	static char in[4 * POLICY_LINE_MAX];
	size_t n = 0;

	n += line(in + n, "helo_name", 300, 'h', "\n");
	n += line(in + n, "size", 1500, '9', "\n");
	n += line(in + n, "sender", 1000, 's', "\n");
	n += line(in + n, "recipient", 256, 'r', "\n");
	n += line(in + n, "client_name", 2000, 'c', "\r\n");
	in[n++] = '\n';
	check_input("long values", in, n, n, POLICY_DONE, 5, &rq);
	assert_int_equal(strlen(rq.helo_name), 300);
	assert_int_equal(strlen(rq.sender), 1000);
	assert_int_equal(strlen(rq.recipient), 256);
	assert_int_equal(strlen(rq.client_name), 2000);
	assert_true(rq.sender[999] == 's' && rq.recipient[0] == 'r');
	assert_int_equal(rq.used, 301 + 1001 + 257 + 2001);
}

static void
test_attrs_max(void **state)
{
	static struct policy_request rq;
	static char in[POLICY_REQUEST_MAX];
	char name[16];
	size_t n = 0, head;

	for (int i = 0; i < POLICY_ATTRS_MAX; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		n += line(in + n, i == 77 ? "sender" : name, 1, 'v', "\n");
	}
	head = n;
	in[n++] = '\n';
	check_input("attributes at the cap", in, n, n, POLICY_DONE,
	    POLICY_ATTRS_MAX, &rq);
	assert_string_equal(rq.sender, "v");
	/* One more, known or not, is refused where it stands. */
	n = head + line(in + head, "x", 0, 'v', "\n\n");
	check_input("one attribute past the cap", in, n, head, POLICY_ERR_ATTRS,
	    0, &rq);
	n = head + line(in + head, "recipient", 3, 'v', "\n\n");
	check_input("one known attribute past the cap", in, n, head,
	    POLICY_ERR_ATTRS, 0, &rq);
	/* Empty lines end requests, they are not attributes. */
	n = head;
	in[n++] = '\n';
	n += line(in + n, "x", 0, 'v', "\n\n");
	check_input("cap per request", in, n, head + 1, POLICY_DONE,
	    POLICY_ATTRS_MAX, &rq);
}

/* Lines of len bytes with their "\n" until the request holds total bytes
 * (total - n*len must be a possible line). */
static size_t
fill(char *in, size_t total, size_t len)
{
	size_t n = 0;
	int i = 0;

	while (total - n > 0) {
		size_t l = total - n < len ? total - n : len;
		char name[16];

		snprintf(name, sizeof(name), "p%d", i++);
		n += line(in + n, name, l - strlen(name) - 2, 'z', "\n");
	}
	return n;
}

static void
test_request_max(void **state)
{
	static struct policy_request rq;
	static char in[POLICY_REQUEST_MAX + 2 * POLICY_LINE_MAX];
	size_t n;

	/* Exactly POLICY_REQUEST_MAX bytes, the empty line included. */
	n = fill(in, POLICY_REQUEST_MAX - 1, POLICY_LINE_MAX + 1);
	in[n++] = '\n';
	check_input("request at the cap", in, n, n, POLICY_DONE, 8, &rq);
	assert_int_equal(rq.bytes, POLICY_REQUEST_MAX);
	/* One byte more: the empty line no longer fits. */
	n = fill(in, POLICY_REQUEST_MAX, POLICY_LINE_MAX + 1);
	in[n++] = '\n';
	check_input("request one past the cap", in, n, n - 1, POLICY_ERR_SIZE,
	    0, &rq);
	/* A partial line counts: refused before its "\n" comes. */
	n = fill(in, POLICY_REQUEST_MAX - 10, POLICY_LINE_MAX + 1);
	memcpy(in + n, "sender=abc", 10);
	check_input("partial line at the request cap", in, n + 10, n,
	    POLICY_MORE, 0, &rq);
	memcpy(in + n, "sender=abcd", 11);
	check_input("partial line past the request cap", in, n + 11, n,
	    POLICY_ERR_SIZE, 0, &rq);
	/* A line too long for both caps: the request cap speaks first, and
	 * at once, however the bytes come. */
	n = fill(in, POLICY_REQUEST_MAX - 100, POLICY_LINE_MAX + 1);
	memset(in + n, 'y', POLICY_LINE_MAX + 5);
	check_input("long line past the request cap", in,
	    n + POLICY_LINE_MAX + 5, n, POLICY_ERR_SIZE, 0, &rq);
}

/* Requests back to back, as Postfix sends them on one connection: each
 * DONE leaves the next request's bytes in place. */
static void
test_back_to_back(void **state)
{
	static struct policy_request rq;
	static const char in[] =
	    "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	    "sender=a@example.com\nrecipient=b@example.net\n\n"
	    "request=smtpd_access_policy\r\nprotocol_state=DATA\r\n"
	    "recipient=c@example.org\r\n\r\n"
	    "request=smtpd_access_policy\nprotocol_state=END-OF-MESSAGE\n"
	    "sen";
	size_t len = sizeof(in) - 1, off = 0, c;

	policy_request_reset(&rq);
	assert_int_equal(policy_request_feed(&rq, in, len, &c), POLICY_DONE);
	assert_int_equal(c, strstr(in, "\n\n") + 2 - in);
	assert_string_equal(rq.protocol_state, "RCPT");
	assert_string_equal(rq.sender, "a@example.com");
	assert_int_equal(rq.nattrs, 4);
	off += c;

	policy_request_reset(&rq);
	assert_null(rq.sender);
	assert_int_equal(policy_request_feed(&rq, in + off, len - off, &c),
	    POLICY_DONE);
	assert_int_equal(off + c, strstr(in, "\r\n\r\n") + 4 - in);
	assert_string_equal(rq.protocol_state, "DATA");
	assert_string_equal(rq.recipient, "c@example.org");
	assert_null(rq.sender);
	assert_int_equal(rq.nattrs, 3);
	off += c;

	/* The third is not finished: its complete lines go, "sen" stays. */
	policy_request_reset(&rq);
	assert_int_equal(policy_request_feed(&rq, in + off, len - off, &c),
	    POLICY_MORE);
	off += c;
	assert_int_equal(len - off, 3);
	assert_string_equal(rq.protocol_state, "END-OF-MESSAGE");
	assert_int_equal(policy_request_feed(&rq, "sender=\n\n", 9, &c),
	    POLICY_DONE);
	assert_int_equal(c, 9);
	assert_string_equal(rq.sender, "");
	assert_int_equal(rq.nattrs, 3);
}

/* Many requests through one struct: reset makes each one fresh. */
static void
test_reuse(void **state)
{
	static struct policy_request rq;
	char in[64];
	size_t c;

	for (int i = 0; i < 5000; i++) {
		int n = snprintf(in, sizeof(in), "sender=s%d\n%s\n", i,
		    i % 2 ? "recipient=r\n" : "");

		policy_request_reset(&rq);
		assert_int_equal(policy_request_feed(&rq, in, (size_t)n, &c),
		    POLICY_DONE);
		assert_int_equal(c, n);
		assert_int_equal(rq.nattrs, i % 2 ? 2 : 1);
		if (i % 2)
			assert_string_equal(rq.recipient, "r");
		else
			assert_null(rq.recipient);
		assert_int_equal(atoi(rq.sender + 1), i);
	}
}

static void
test_status_str(void **state)
{
	for (int i = POLICY_MORE; i <= POLICY_ERR_DUP; i++) {
		const char *s = policy_status_str((enum policy_status)i);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown status");
		for (int j = POLICY_MORE; j < i; j++)
			assert_string_not_equal(s,
			    policy_status_str((enum policy_status)j));
	}
	assert_string_equal(policy_status_str(POLICY_ERR_SYNTAX),
	    "line without '=' or with an empty name");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_postfix_all_known),
		cmocka_unit_test(test_line_max),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_attrs_max),
		cmocka_unit_test(test_request_max),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_status_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the DNS wire parser and the interpretation of answers.
 * Messages are built with a small builder (with name compression, like a
 * real server) or byte by byte where the point is a malformed message;
 * each table row is its own cmocka test so a failure names its case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/wire.h"

#define T_CAA		257
#define T_OPT		41
#define C_CH		3

#define F_RESP		0x8180	/* QR, RD, RA */
#define F_AA		0x0400
#define F_AD		0x0020

#define MB_MAX		16384

/* ---- message builder ---------------------------------------------- */

struct mb_suffix {
	char	 name[256];
	size_t	 off;
};

struct mb {
	uint8_t		 b[MB_MAX];
	size_t		 n;
	bool		 compress;
	size_t		 nsfx;
	struct mb_suffix sfx[256];
};

static void
mb_u8(struct mb *m, unsigned v)
{
	assert_true(m->n < MB_MAX);
	m->b[m->n++] = (uint8_t)v;
}

static void
mb_u16(struct mb *m, unsigned v)
{
	mb_u8(m, v >> 8 & 0xff);
	mb_u8(m, v & 0xff);
}

static void
mb_u32(struct mb *m, uint32_t v)
{
	mb_u16(m, v >> 16);
	mb_u16(m, v & 0xffff);
}

static void
mb_raw(struct mb *m, const void *p, size_t n)
{
	assert_true(MB_MAX - m->n >= n);
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
mb_fill(struct mb *m, int c, size_t n)
{
	assert_true(MB_MAX - m->n >= n);
	memset(m->b + m->n, c, n);
	m->n += n;
}

/* Header counts live at offsets 4 (qd), 6 (an), 8 (ns), 10 (ar). */
static void
mb_set_count(struct mb *m, int idx, unsigned v)
{
	m->b[4 + 2 * idx] = (uint8_t)(v >> 8);
	m->b[5 + 2 * idx] = (uint8_t)v;
}

static void
mb_bump(struct mb *m, int idx)
{
	mb_set_count(m, idx, (unsigned)(m->b[4 + 2 * idx] << 8 |
	    m->b[5 + 2 * idx]) + 1);
}

/*
 * Write a dotted name (no escapes). With compression on, a suffix written
 * before becomes a pointer, the way servers compress; suffixes match
 * case-sensitively so case tests keep their bytes.
 */
static void
mb_name(struct mb *m, const char *name)
{
	const char *p = name;

	if (strcmp(name, ".") == 0) {
		mb_u8(m, 0);
		return;
	}
	while (*p != '\0') {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (m->compress) {
			for (size_t i = 0; i < m->nsfx; i++) {
				if (strcmp(m->sfx[i].name, p) == 0) {
					mb_u16(m, 0xc000 | (unsigned)m->sfx[i].off);
					return;
				}
			}
			if (m->nsfx < UTIL_ARRAY_LEN(m->sfx) && m->n < 0x4000 &&
			    strlen(p) < sizeof(m->sfx[0].name)) {
				strcpy(m->sfx[m->nsfx].name, p);
				m->sfx[m->nsfx++].off = m->n;
			}
		}
		mb_u8(m, (unsigned)n);
		mb_raw(m, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	mb_u8(m, 0);
}

static void
mb_init(struct mb *m, unsigned flags)
{
	memset(m, 0, sizeof(*m));
	m->compress = true;
	mb_u16(m, 0x1234);
	mb_u16(m, flags);
	mb_fill(m, 0, 8);
}

static void
mb_question(struct mb *m, const char *name, unsigned type)
{
	mb_name(m, name);
	mb_u16(m, type);
	mb_u16(m, DNS_C_IN);
	mb_bump(m, 0);
}

static void
mb_std(struct mb *m, unsigned flags, const char *qname, unsigned qtype)
{
	mb_init(m, flags);
	mb_question(m, qname, qtype);
}

/* After the owner name: type, class, TTL and a placeholder rdlength whose
 * offset is returned for mb_rr_end(). */
static size_t
mb_rr_fixed(struct mb *m, enum dns_section sec, unsigned type,
    unsigned rclass, uint32_t ttl)
{
	size_t at;

	mb_bump(m, 1 + (int)sec);
	mb_u16(m, type);
	mb_u16(m, rclass);
	mb_u32(m, ttl);
	at = m->n;
	mb_u16(m, 0);
	return at;
}

static void
mb_rr_end(struct mb *m, size_t at)
{
	size_t len = m->n - at - 2;

	m->b[at] = (uint8_t)(len >> 8);
	m->b[at + 1] = (uint8_t)len;
}

static size_t
mb_rr(struct mb *m, enum dns_section sec, const char *name, unsigned type,
    uint32_t ttl)
{
	mb_name(m, name);
	return mb_rr_fixed(m, sec, type, DNS_C_IN, ttl);
}

static void
mb_a(struct mb *m, enum dns_section sec, const char *name, uint32_t ttl,
    const char *addr)
{
	size_t at = mb_rr(m, sec, name, DNS_T_A, ttl);
	uint8_t a[4];

	assert_int_equal(inet_pton(AF_INET, addr, a), 1);
	mb_raw(m, a, sizeof(a));
	mb_rr_end(m, at);
}

static void
mb_aaaa(struct mb *m, enum dns_section sec, const char *name, uint32_t ttl,
    const char *addr)
{
	size_t at = mb_rr(m, sec, name, DNS_T_AAAA, ttl);
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, addr, a), 1);
	mb_raw(m, a, sizeof(a));
	mb_rr_end(m, at);
}

/* CNAME, PTR, NS */
static void
mb_target(struct mb *m, enum dns_section sec, const char *name,
    unsigned type, uint32_t ttl, const char *target)
{
	size_t at = mb_rr(m, sec, name, type, ttl);

	mb_name(m, target);
	mb_rr_end(m, at);
}

static void
mb_mx(struct mb *m, enum dns_section sec, const char *name, uint32_t ttl,
    unsigned pref, const char *exchange)
{
	size_t at = mb_rr(m, sec, name, DNS_T_MX, ttl);

	mb_u16(m, pref);
	mb_name(m, exchange);
	mb_rr_end(m, at);
}

static void
mb_soa(struct mb *m, enum dns_section sec, const char *zone, uint32_t ttl,
    const char *mname, const char *rname, uint32_t serial)
{
	size_t at = mb_rr(m, sec, zone, DNS_T_SOA, ttl);

	mb_name(m, mname);
	mb_name(m, rname);
	mb_u32(m, serial);
	mb_u32(m, 7200);
	mb_u32(m, 3600);
	mb_u32(m, 1209600);
	mb_u32(m, 300);
	mb_rr_end(m, at);
}

/* TXT with the strings given, NULL-terminated. */
static void
mb_txt(struct mb *m, enum dns_section sec, const char *name, uint32_t ttl,
    ...)
{
	size_t at = mb_rr(m, sec, name, DNS_T_TXT, ttl);
	const char *s;
	va_list ap;

	va_start(ap, ttl);
	while ((s = va_arg(ap, const char *)) != NULL) {
		mb_u8(m, (unsigned)strlen(s));
		mb_raw(m, s, strlen(s));
	}
	va_end(ap);
	mb_rr_end(m, at);
}

static void
mb_opt(struct mb *m)
{
	mb_u8(m, 0);
	mb_rr_end(m, mb_rr_fixed(m, DNS_SEC_ADDITIONAL, T_OPT, 1232, 0));
}

/* ---- dumping parsed results ---------------------------------------- */

static void
app(char *out, size_t outlen, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
app(char *out, size_t outlen, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + *o, outlen - *o, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < outlen - *o);
	*o += (size_t)n;
}

static const char *
type_name(uint16_t t, char *buf, size_t len)
{
	switch (t) {
	case DNS_T_A:		return "A";
	case DNS_T_NS:		return "NS";
	case DNS_T_CNAME:	return "CNAME";
	case DNS_T_SOA:		return "SOA";
	case DNS_T_PTR:		return "PTR";
	case DNS_T_MX:		return "MX";
	case DNS_T_TXT:		return "TXT";
	case DNS_T_AAAA:	return "AAAA";
	}
	snprintf(buf, len, "TYPE%u", (unsigned)t);
	return buf;
}

/* One record as "<sec> <name> [CLASSn ]<TYPE> <ttl> <rdata>". */
static void
dump_rr(const struct dns_rr *rr, char *out, size_t outlen, size_t *o)
{
	static const char *const secs[] = { "an", "ns", "ar" };
	char tb[16], ab[INET6_ADDRSTRLEN], txt[1024];
	const struct dns_soa *soa = &rr->u.soa;

	app(out, outlen, o, "%s %s ", secs[rr->section], rr->name);
	if (rr->rclass != DNS_C_IN)
		app(out, outlen, o, "CLASS%u ", (unsigned)rr->rclass);
	app(out, outlen, o, "%s %u ", type_name(rr->type, tb, sizeof(tb)),
	    (unsigned)rr->ttl);
	/* The parser decodes addresses in class IN only. */
	switch (rr->rclass != DNS_C_IN &&
	    (rr->type == DNS_T_A || rr->type == DNS_T_AAAA) ? 0 : rr->type) {
	case DNS_T_A:
		app(out, outlen, o, "%s",
		    inet_ntop(AF_INET, &rr->u.a, ab, sizeof(ab)));
		break;
	case DNS_T_AAAA:
		app(out, outlen, o, "%s",
		    inet_ntop(AF_INET6, &rr->u.aaaa, ab, sizeof(ab)));
		break;
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
		app(out, outlen, o, "%s", rr->u.target);
		break;
	case DNS_T_MX:
		app(out, outlen, o, "%u %s", (unsigned)rr->u.mx.pref,
		    rr->u.mx.exchange);
		break;
	case DNS_T_SOA:
		app(out, outlen, o, "%s %s %u %u %u %u %u", soa->mname,
		    soa->rname, (unsigned)soa->serial, (unsigned)soa->refresh,
		    (unsigned)soa->retry, (unsigned)soa->expire,
		    (unsigned)soa->minimum);
		break;
	case DNS_T_TXT:
		util_printable(txt, sizeof(txt), rr->u.txt.data, rr->u.txt.len);
		app(out, outlen, o, "%u %s", (unsigned)rr->u.txt.nstrings, txt);
		break;
	default:
		app(out, outlen, o, "-");
		break;
	}
}

static void
dump_msg(const struct dns_msg *msg, char *out, size_t outlen)
{
	char tb[16];
	size_t o = 0;

	out[0] = '\0';
	app(out, outlen, &o, "q %s %s", msg->qname,
	    type_name(msg->qtype, tb, sizeof(tb)));
	for (size_t i = 0; i < msg->nrr; i++) {
		app(out, outlen, &o, "\n");
		dump_rr(&msg->rr[i], out, outlen, &o);
	}
}

/* Build a case's message and parse it; the status is returned. */
static enum dns_wire_status
build_parse(void (*build)(struct mb *), struct dns_msg *msg)
{
	struct mb *m = calloc(1, sizeof(*m));
	enum dns_wire_status st;

	assert_non_null(m);
	build(m);
	st = dns_msg_parse(m->b, m->n, msg);
	free(m);
	return st;
}

static void
assert_msg_cleared(const struct dns_msg *msg)
{
	assert_int_equal(msg->nrr, 0);
	assert_null(msg->rr);
	assert_string_equal(msg->qname, "");
	assert_false(msg->truncated_rrs);
}

/* ---- messages ------------------------------------------------------ */

static void
b_a(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_a(m, DNS_SEC_ANSWER, "www.example.com", 300, "192.0.2.1");
}

static void
b_a_uncompressed(struct mb *m)
{
	mb_init(m, F_RESP);
	m->compress = false;
	mb_question(m, "www.example.com", DNS_T_A);
	mb_a(m, DNS_SEC_ANSWER, "www.example.com", 300, "192.0.2.1");
}

static void
b_a_trailing(struct mb *m)
{
	b_a(m);
	mb_fill(m, 0xff, 3);
}

static void
b_aaaa(struct mb *m)
{
	mb_std(m, F_RESP, "mail.example.com", DNS_T_AAAA);
	mb_aaaa(m, DNS_SEC_ANSWER, "mail.example.com", 3600, "2001:db8::25");
}

static void
b_ptr(struct mb *m)
{
	mb_std(m, F_RESP | F_AA, "1.2.0.192.in-addr.arpa", DNS_T_PTR);
	mb_target(m, DNS_SEC_ANSWER, "1.2.0.192.in-addr.arpa", DNS_T_PTR,
	    86400, "mail.example.com");
}

static void
b_cname_chain(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_target(m, DNS_SEC_ANSWER, "www.example.com", DNS_T_CNAME, 60,
	    "a.example.net");
	mb_target(m, DNS_SEC_ANSWER, "a.example.net", DNS_T_CNAME, 70,
	    "b.example.org");
	mb_a(m, DNS_SEC_ANSWER, "b.example.org", 30, "198.51.100.7");
}

static void
b_mx(struct mb *m)
{
	mb_std(m, F_RESP, "example.com", DNS_T_MX);
	mb_mx(m, DNS_SEC_ANSWER, "example.com", 3600, 10, "mx1.example.com");
	mb_mx(m, DNS_SEC_ANSWER, "example.com", 3600, 20, "mx2.example.com");
	mb_a(m, DNS_SEC_ADDITIONAL, "mx1.example.com", 3600, "192.0.2.25");
	mb_opt(m);
}

static void
b_nx_soa(struct mb *m)
{
	mb_std(m, F_RESP | F_AA | 3, "nope.example.com", DNS_T_A);
	mb_soa(m, DNS_SEC_AUTHORITY, "example.com", 3600, "ns1.example.com",
	    "hostmaster.example.com", 2024010101);
}

static void
b_txt(struct mb *m)
{
	mb_std(m, F_RESP, "example.com", DNS_T_TXT);
	mb_txt(m, DNS_SEC_ANSWER, "example.com", 300, "v=spf1 ",
	    "ip4:192.0.2.0/24 -all", "", (char *)NULL);
}

static void
b_txt_big(struct mb *m)
{
	size_t at;

	mb_std(m, F_RESP, "example.com", DNS_T_TXT);
	at = mb_rr(m, DNS_SEC_ANSWER, "example.com", DNS_T_TXT, 300);
	for (int i = 0; i < 20; i++) {
		mb_u8(m, 255);
		mb_fill(m, 'a' + i, 255);
	}
	mb_rr_end(m, at);
}

static void
check_txt_big(const struct dns_msg *msg)
{
	assert_int_equal(msg->nrr, 1);
	assert_int_equal(msg->rr[0].u.txt.nstrings, 20);
	assert_int_equal(msg->rr[0].u.txt.len, DNS_TXT_MAX);
	assert_int_equal(msg->rr[0].u.txt.data[0], 'a');
	assert_int_equal(msg->rr[0].u.txt.data[255], 'b');
	/* 4096 = 16 * 255 + 16: the 17th string is cut after 16 bytes. */
	assert_int_equal(msg->rr[0].u.txt.data[DNS_TXT_MAX - 1], 'a' + 16);
	/* Sized to what was kept, and terminated. */
	assert_int_equal(msg->rr[0].u.txt.data[DNS_TXT_MAX], '\0');
	/* Boundaries: where each string ended, capped at what was kept. */
	assert_int_equal(msg->rr[0].u.txt.bounds[0], 255);
	assert_int_equal(msg->rr[0].u.txt.bounds[15], 16 * 255);
	assert_int_equal(msg->rr[0].u.txt.bounds[16], DNS_TXT_MAX);
	assert_int_equal(msg->rr[0].u.txt.bounds[19], DNS_TXT_MAX);
}

static void
b_unknown(struct mb *m)
{
	size_t at;

	mb_std(m, F_RESP, "example.com", T_CAA);
	at = mb_rr(m, DNS_SEC_ANSWER, "example.com", T_CAA, 300);
	mb_raw(m, "\0\5issueca.example", 17);
	mb_rr_end(m, at);
}

static void
b_chaos_txt(struct mb *m)
{
	size_t at;

	mb_init(m, F_RESP);
	mb_name(m, "version.bind");
	mb_u16(m, DNS_T_TXT);
	mb_u16(m, C_CH);
	mb_bump(m, 0);
	mb_name(m, "version.bind");
	at = mb_rr_fixed(m, DNS_SEC_ANSWER, DNS_T_TXT, C_CH, 0);
	mb_raw(m, "\0049.18", 5);
	mb_rr_end(m, at);
}

static void
b_case(struct mb *m)
{
	mb_std(m, F_RESP, "WwW.ExAmPlE.cOm", DNS_T_A);
	mb_a(m, DNS_SEC_ANSWER, "www.EXAMPLE.com", 5, "192.0.2.2");
}

static void
b_root(struct mb *m)
{
	mb_std(m, F_RESP, ".", DNS_T_NS);
	mb_target(m, DNS_SEC_ANSWER, ".", DNS_T_NS, 518400,
	    "a.root-servers.net");
}

/* A pointer to "example.com" inside the question name (offset 12 + 4). */
static void
b_ptr_mid(struct mb *m)
{
	size_t at;

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_u16(m, 0xc000 | 16);
	at = mb_rr_fixed(m, DNS_SEC_ANSWER, DNS_T_A, DNS_C_IN, 1);
	mb_raw(m, "\300\0\2\1", 4);
	mb_rr_end(m, at);
}

static void
b_ptr_forward(struct mb *m)
{
	size_t at;

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	/* The owner points at its own rdata, a perfectly good name. */
	mb_u16(m, 0xc000 | (unsigned)(m->n + 2 + 10));
	at = mb_rr_fixed(m, DNS_SEC_ANSWER, 99, DNS_C_IN, 0);
	mb_raw(m, "\1x\0", 3);
	mb_rr_end(m, at);
}

static void
b_ptr_self(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_u16(m, 0xc000 | (unsigned)m->n);
	mb_rr_end(m, mb_rr_fixed(m, DNS_SEC_ANSWER, 99, DNS_C_IN, 0));
}

/* "a" then a pointer back to that "a": a loop within one name. */
static void
b_ptr_own_label(struct mb *m)
{
	size_t start;

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	start = m->n;
	mb_u8(m, 1);
	mb_u8(m, 'a');
	mb_u16(m, 0xc000 | (unsigned)start);
	mb_rr_end(m, mb_rr_fixed(m, DNS_SEC_ANSWER, 99, DNS_C_IN, 0));
}

/* An unknown record whose rdata holds the name "end" followed by a chain
 * of pointers, each to the one before; a second record's owner points at
 * the last, so reading it takes exactly `jumps` jumps. */
static void
mb_ptr_chain(struct mb *m, unsigned jumps)
{
	size_t at, prev;

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	at = mb_rr(m, DNS_SEC_ANSWER, "www.example.com", 99, 0);
	prev = m->n;
	mb_raw(m, "\3end\0", 5);
	for (unsigned i = 1; i < jumps; i++) {
		size_t here = m->n;

		mb_u16(m, 0xc000 | (unsigned)prev);
		prev = here;
	}
	mb_rr_end(m, at);
	mb_u16(m, 0xc000 | (unsigned)prev);
	mb_rr_end(m, mb_rr_fixed(m, DNS_SEC_ANSWER, 99, DNS_C_IN, 0));
}

static void
b_ptr_chain_max(struct mb *m)
{
	mb_ptr_chain(m, DNS_PTR_JUMPS);
}

static void
b_ptr_chain_over(struct mb *m)
{
	mb_ptr_chain(m, DNS_PTR_JUMPS + 1);
}

static void
b_ptr_truncated(struct mb *m)
{
	mb_init(m, F_RESP);
	mb_set_count(m, 0, 1);
	mb_u8(m, 0xc0);
}

/* Question name with one label of n bytes under "example". */
static void
mb_label_q(struct mb *m, size_t n)
{
	mb_init(m, F_RESP);
	mb_u8(m, (unsigned)n);
	mb_fill(m, 'x', n);
	mb_name(m, "example");
	mb_u16(m, DNS_T_A);
	mb_u16(m, DNS_C_IN);
	mb_bump(m, 0);
}

static void
b_label63(struct mb *m)
{
	mb_label_q(m, 63);
}

static void
b_label64(struct mb *m)
{
	mb_label_q(m, 64);
}

static void
b_label_0x80(struct mb *m)
{
	mb_label_q(m, 0x81);
}

/* Labels of the given lengths (0-terminated list), then the root. */
static void
mb_labels(struct mb *m, const size_t *lens)
{
	for (; *lens != 0; lens++) {
		mb_u8(m, (unsigned)*lens);
		mb_fill(m, 'n', *lens);
	}
}

static void
b_name255(struct mb *m)
{
	static const size_t l[] = { 63, 63, 63, 61, 0 };

	mb_init(m, F_RESP);
	mb_labels(m, l);
	mb_u8(m, 0);
	mb_u16(m, DNS_T_A);
	mb_u16(m, DNS_C_IN);
	mb_bump(m, 0);
}

static void
b_name256(struct mb *m)
{
	static const size_t l[] = { 63, 63, 63, 62, 0 };

	mb_init(m, F_RESP);
	mb_labels(m, l);
	mb_u8(m, 0);
	mb_u16(m, DNS_T_A);
	mb_u16(m, DNS_C_IN);
	mb_bump(m, 0);
}

/* The question is 3 x 63 (193 wire bytes); the owner adds one label and a
 * pointer to it, so the whole name is 193 + 1 + n. */
static void
mb_name_via_ptr(struct mb *m, size_t n)
{
	static const size_t l[] = { 63, 63, 63, 0 };
	size_t lone[] = { n, 0 };

	mb_init(m, F_RESP);
	mb_labels(m, l);
	mb_u8(m, 0);
	mb_u16(m, DNS_T_A);
	mb_u16(m, DNS_C_IN);
	mb_bump(m, 0);
	mb_labels(m, lone);
	mb_u16(m, 0xc000 | 12);
	mb_rr_end(m, mb_rr_fixed(m, DNS_SEC_ANSWER, 99, DNS_C_IN, 0));
}

static void
b_name255_ptr(struct mb *m)
{
	mb_name_via_ptr(m, 61);
}

static void
b_name256_ptr(struct mb *m)
{
	mb_name_via_ptr(m, 62);
}

static void
b_odd_bytes(struct mb *m)
{
	static const uint8_t lab[] = { 'a', '.', '\\', 0, ' ', 0xff, 'Z', '_',
	    '*', '-', '"' };

	mb_init(m, F_RESP);
	mb_u8(m, sizeof(lab));
	mb_raw(m, lab, sizeof(lab));
	mb_name(m, "example");
	mb_u16(m, DNS_T_A);
	mb_u16(m, DNS_C_IN);
	mb_bump(m, 0);
}

/* A record-like rdata of n raw bytes for the given type. */
static void
mb_raw_rr(struct mb *m, unsigned type, const void *rdata, size_t n)
{
	size_t at;

	mb_std(m, F_RESP, "www.example.com", type);
	at = mb_rr(m, DNS_SEC_ANSWER, "www.example.com", type, 60);
	mb_raw(m, rdata, n);
	mb_rr_end(m, at);
	/* Bytes after, so a misread would find something to read. */
	mb_fill(m, 0, 40);
}

static void
b_a_len5(struct mb *m)
{
	mb_raw_rr(m, DNS_T_A, "\300\0\2\1\1", 5);
}

static void
b_a_len3(struct mb *m)
{
	mb_raw_rr(m, DNS_T_A, "\300\0\2", 3);
}

static void
b_aaaa_len15(struct mb *m)
{
	mb_raw_rr(m, DNS_T_AAAA, "\40\1\15\270\0\0\0\0\0\0\0\0\0\0\0", 15);
}

static void
b_cname_extra(struct mb *m)
{
	mb_raw_rr(m, DNS_T_CNAME, "\1x\0\0", 4);
}

static void
b_cname_overrun(struct mb *m)
{
	/* The name's terminating zero lies past rdlength. */
	mb_raw_rr(m, DNS_T_CNAME, "\3abc", 4);
}

static void
b_ptr_empty(struct mb *m)
{
	mb_raw_rr(m, DNS_T_PTR, "", 0);
}

static void
b_mx_short(struct mb *m)
{
	mb_raw_rr(m, DNS_T_MX, "\0", 1);
}

static void
b_mx_extra(struct mb *m)
{
	mb_raw_rr(m, DNS_T_MX, "\0\12\2mx\0\0", 7);
}

static void
b_soa_short(struct mb *m)
{
	/* Two root names and 16 of the 20 number bytes. */
	mb_raw_rr(m, DNS_T_SOA, "\0\0" "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4", 18);
}

static void
b_soa_extra(struct mb *m)
{
	mb_raw_rr(m, DNS_T_SOA,
	    "\0\0" "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5" "\0", 23);
}

static void
b_soa_exact(struct mb *m)
{
	mb_raw_rr(m, DNS_T_SOA,
	    "\0\0" "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5", 22);
}

static void
b_txt_overrun(struct mb *m)
{
	mb_raw_rr(m, DNS_T_TXT, "\3abc\12abc", 8);
}

static void
b_txt_empty(struct mb *m)
{
	mb_raw_rr(m, DNS_T_TXT, "", 0);
}

static void
b_rdlen_beyond(struct mb *m)
{
	size_t at;

	b_a(m);
	at = mb_rr(m, DNS_SEC_ANSWER, "www.example.com", DNS_T_A, 60);
	mb_raw(m, "\300\0", 2);
	m->b[at + 1] = 4;
}

static void
b_qd0(struct mb *m)
{
	b_a(m);
	mb_set_count(m, 0, 0);
}

static void
b_qd2(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_question(m, "www.example.com", DNS_T_AAAA);
}

static void
b_query(struct mb *m)
{
	mb_std(m, 0x0100, "www.example.com", DNS_T_A);
}

static void
b_huge_counts(struct mb *m)
{
	b_a(m);
	mb_set_count(m, 1, 65535);
	mb_set_count(m, 2, 65535);
	mb_set_count(m, 3, 65535);
}

static void
b_empty(struct mb *m)
{
	memset(m, 0, sizeof(*m));
}

static void
b_header11(struct mb *m)
{
	mb_init(m, F_RESP);
	m->n = 11;
}

static void
b_header_only(struct mb *m)
{
	mb_init(m, F_RESP);
	mb_set_count(m, 0, 1);
}

static void
b_many(struct mb *m)
{
	char addr[32];

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	for (int i = 0; i < 300; i++) {
		snprintf(addr, sizeof(addr), "10.0.%d.%d", i / 256, i % 256);
		mb_a(m, DNS_SEC_ANSWER, "www.example.com", 60, addr);
	}
}

static void
check_many(const struct dns_msg *msg)
{
	assert_int_equal(msg->nrr, DNS_RR_MAX);
	assert_true(msg->truncated_rrs);
	assert_int_equal(msg->counts[1], 300);
	assert_int_equal(msg->rr[DNS_RR_MAX - 1].u.a.s_addr,
	    htonl(0x0a000000 | (DNS_RR_MAX - 1)));
}

static void
b_many_bad_tail(struct mb *m)
{
	size_t at;

	b_many(m);
	at = mb_rr(m, DNS_SEC_ADDITIONAL, "www.example.com", DNS_T_A, 60);
	mb_raw(m, "\1\2\3\4\5", 5);
	mb_rr_end(m, at);
}

static void
b_opt_only(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_opt(m);
}

static void
check_opt_only(const struct dns_msg *msg)
{
	assert_int_equal(msg->nrr, 0);
	assert_null(msg->rr);
	assert_int_equal(msg->counts[3], 1);
}

/* A message using every decoded type, for the truncation sweep. */
static void
b_rich(struct mb *m)
{
	mb_std(m, F_RESP | F_AD, "www.example.com", DNS_T_A);
	mb_target(m, DNS_SEC_ANSWER, "www.example.com", DNS_T_CNAME, 60,
	    "host.example.com");
	mb_a(m, DNS_SEC_ANSWER, "host.example.com", 60, "192.0.2.80");
	mb_aaaa(m, DNS_SEC_ANSWER, "host.example.com", 60, "2001:db8::80");
	mb_soa(m, DNS_SEC_AUTHORITY, "example.com", 3600, "ns1.example.com",
	    "hostmaster.example.com", 7);
	mb_target(m, DNS_SEC_AUTHORITY, "example.com", DNS_T_NS, 3600,
	    "ns1.example.com");
	mb_txt(m, DNS_SEC_ADDITIONAL, "example.com", 1, "hello", "world",
	    (char *)NULL);
	mb_mx(m, DNS_SEC_ADDITIONAL, "example.com", 1, 5, "mx.example.net");
	mb_target(m, DNS_SEC_ADDITIONAL, "4.3.2.1.in-addr.arpa", DNS_T_PTR, 1,
	    "host.example.com");
}

/* ---- parse table --------------------------------------------------- */

struct parse_case {
	const char		*desc;
	void			(*build)(struct mb *);
	enum dns_wire_status	 want;
	const char		*dump;	/* expected dump_msg(), NULL: skip */
	void			(*check)(const struct dns_msg *);
};

static const struct parse_case parse_cases[] = {
	{ "A answer", b_a, DNS_WIRE_OK,
	  "q www.example.com A\n"
	  "an www.example.com A 300 192.0.2.1", NULL },
	{ "A answer without compression", b_a_uncompressed, DNS_WIRE_OK,
	  "q www.example.com A\n"
	  "an www.example.com A 300 192.0.2.1", NULL },
	{ "trailing bytes ignored", b_a_trailing, DNS_WIRE_OK,
	  "q www.example.com A\n"
	  "an www.example.com A 300 192.0.2.1", NULL },
	{ "AAAA answer", b_aaaa, DNS_WIRE_OK,
	  "q mail.example.com AAAA\n"
	  "an mail.example.com AAAA 3600 2001:db8::25", NULL },
	{ "PTR answer", b_ptr, DNS_WIRE_OK,
	  "q 1.2.0.192.in-addr.arpa PTR\n"
	  "an 1.2.0.192.in-addr.arpa PTR 86400 mail.example.com", NULL },
	{ "CNAME chain", b_cname_chain, DNS_WIRE_OK,
	  "q www.example.com A\n"
	  "an www.example.com CNAME 60 a.example.net\n"
	  "an a.example.net CNAME 70 b.example.org\n"
	  "an b.example.org A 30 198.51.100.7", NULL },
	{ "MX with glue, OPT dropped", b_mx, DNS_WIRE_OK,
	  "q example.com MX\n"
	  "an example.com MX 3600 10 mx1.example.com\n"
	  "an example.com MX 3600 20 mx2.example.com\n"
	  "ar mx1.example.com A 3600 192.0.2.25", NULL },
	{ "only an OPT record", b_opt_only, DNS_WIRE_OK,
	  "q www.example.com A", check_opt_only },
	{ "NXDOMAIN with SOA", b_nx_soa, DNS_WIRE_OK,
	  "q nope.example.com A\n"
	  "ns example.com SOA 3600 ns1.example.com hostmaster.example.com "
	  "2024010101 7200 3600 1209600 300", NULL },
	{ "TXT strings concatenated", b_txt, DNS_WIRE_OK,
	  "q example.com TXT\n"
	  "an example.com TXT 300 3 v=spf1 ip4:192.0.2.0/24 -all", NULL },
	{ "TXT capped at DNS_TXT_MAX", b_txt_big, DNS_WIRE_OK, NULL,
	  check_txt_big },
	{ "TXT with no strings", b_txt_empty, DNS_WIRE_OK,
	  "q www.example.com TXT\n"
	  "an www.example.com TXT 60 0 ", NULL },
	{ "unknown type keeps header", b_unknown, DNS_WIRE_OK,
	  "q example.com TYPE257\n"
	  "an example.com TYPE257 300 -", NULL },
	{ "CHAOS TXT", b_chaos_txt, DNS_WIRE_OK,
	  "q version.bind TXT\n"
	  "an version.bind CLASS3 TXT 0 1 9.18", NULL },
	{ "case kept", b_case, DNS_WIRE_OK,
	  "q WwW.ExAmPlE.cOm A\n"
	  "an www.EXAMPLE.com A 5 192.0.2.2", NULL },
	{ "root name", b_root, DNS_WIRE_OK,
	  "q . NS\n"
	  "an . NS 518400 a.root-servers.net", NULL },
	{ "pointer into the middle of a name", b_ptr_mid, DNS_WIRE_OK,
	  "q www.example.com A\n"
	  "an example.com A 1 192.0.2.1", NULL },
	{ "forward pointer", b_ptr_forward, DNS_WIRE_BADNAME, NULL, NULL },
	{ "pointer to itself", b_ptr_self, DNS_WIRE_BADNAME, NULL, NULL },
	{ "pointer to its own name", b_ptr_own_label, DNS_WIRE_BADNAME,
	  NULL, NULL },
	{ "pointer chain at the limit", b_ptr_chain_max, DNS_WIRE_OK,
	  "q www.example.com A\n"
	  "an www.example.com TYPE99 0 -\n"
	  "an end TYPE99 0 -", NULL },
	{ "pointer chain over the limit", b_ptr_chain_over, DNS_WIRE_BADNAME,
	  NULL, NULL },
	{ "pointer cut in half", b_ptr_truncated, DNS_WIRE_SHORT, NULL, NULL },
	{ "label of 63", b_label63, DNS_WIRE_OK,
	  "q xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  ".example A", NULL },
	{ "label of 64", b_label64, DNS_WIRE_BADNAME, NULL, NULL },
	{ "reserved label type 0x80", b_label_0x80, DNS_WIRE_BADNAME,
	  NULL, NULL },
	{ "name of 255", b_name255, DNS_WIRE_OK, NULL, NULL },
	{ "name of 256", b_name256, DNS_WIRE_BADNAME, NULL, NULL },
	{ "name of 255 through a pointer", b_name255_ptr, DNS_WIRE_OK,
	  NULL, NULL },
	{ "name of 256 through a pointer", b_name256_ptr, DNS_WIRE_BADNAME,
	  NULL, NULL },
	{ "odd bytes escaped", b_odd_bytes, DNS_WIRE_OK,
	  "q a\\.\\\\\\000\\032\\255Z_*-\\\".example A", NULL },
	{ "A rdlength 5", b_a_len5, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "A rdlength 3", b_a_len3, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "AAAA rdlength 15", b_aaaa_len15, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "CNAME with a byte over", b_cname_extra, DNS_WIRE_BADRDATA,
	  NULL, NULL },
	{ "CNAME running past rdlength", b_cname_overrun, DNS_WIRE_BADRDATA,
	  NULL, NULL },
	{ "PTR with empty rdata", b_ptr_empty, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "MX rdlength 1", b_mx_short, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "MX with a byte over", b_mx_extra, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "SOA 4 bytes short", b_soa_short, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "SOA with a byte over", b_soa_extra, DNS_WIRE_BADRDATA, NULL, NULL },
	{ "SOA exact", b_soa_exact, DNS_WIRE_OK,
	  "q www.example.com SOA\n"
	  "an www.example.com SOA 60 . . 1 2 3 4 5", NULL },
	{ "TXT string past rdlength", b_txt_overrun, DNS_WIRE_BADRDATA,
	  NULL, NULL },
	{ "rdlength past the message", b_rdlen_beyond, DNS_WIRE_SHORT,
	  NULL, NULL },
	{ "qdcount 0", b_qd0, DNS_WIRE_NOQUESTION, NULL, NULL },
	{ "qdcount 2", b_qd2, DNS_WIRE_NOQUESTION, NULL, NULL },
	{ "QR bit clear", b_query, DNS_WIRE_NOTRESPONSE, NULL, NULL },
	{ "huge counts, short body", b_huge_counts, DNS_WIRE_SHORT,
	  NULL, NULL },
	{ "empty message", b_empty, DNS_WIRE_SHORT, NULL, NULL },
	{ "11-byte header", b_header11, DNS_WIRE_SHORT, NULL, NULL },
	{ "header without its question", b_header_only, DNS_WIRE_SHORT,
	  NULL, NULL },
	{ "300 records, 256 kept", b_many, DNS_WIRE_OK, NULL, check_many },
	{ "bad record past the cap still fails", b_many_bad_tail,
	  DNS_WIRE_BADRDATA, NULL, NULL },
	{ "every type", b_rich, DNS_WIRE_OK,
	  "q www.example.com A\n"
	  "an www.example.com CNAME 60 host.example.com\n"
	  "an host.example.com A 60 192.0.2.80\n"
	  "an host.example.com AAAA 60 2001:db8::80\n"
	  "ns example.com SOA 3600 ns1.example.com hostmaster.example.com "
	  "7 7200 3600 1209600 300\n"
	  "ns example.com NS 3600 ns1.example.com\n"
	  "ar example.com TXT 1 2 helloworld\n"
	  "ar example.com MX 1 5 mx.example.net\n"
	  "ar 4.3.2.1.in-addr.arpa PTR 1 host.example.com", NULL },
};

static void
test_parse_case(void **state)
{
	const struct parse_case *c = *state;
	struct dns_msg msg;
	char dump[8192];
	enum dns_wire_status st;

	st = build_parse(c->build, &msg);
	if (st != c->want)
		fail_msg("%s: got %s, want %s", c->desc, dns_wire_strerror(st),
		    dns_wire_strerror(c->want));
	if (st != DNS_WIRE_OK) {
		assert_msg_cleared(&msg);
		return;
	}
	assert_int_equal(msg.id, 0x1234);
	assert_true(msg.qr);
	if (c->dump != NULL) {
		dump_msg(&msg, dump, sizeof(dump));
		assert_string_equal(dump, c->dump);
	}
	if (c->check != NULL)
		c->check(&msg);
	dns_msg_clear(&msg);
	assert_msg_cleared(&msg);
}

/* Every proper prefix of a good message must be refused as SHORT. */
static void
test_parse_every_cut(void **state)
{
	struct mb *m = calloc(1, sizeof(*m));
	struct dns_msg msg;

	(void)state;
	assert_non_null(m);
	b_rich(m);
	assert_int_equal(dns_msg_parse(m->b, m->n, &msg), DNS_WIRE_OK);
	assert_int_equal(msg.nrr, 8);
	assert_true(msg.ad);
	dns_msg_clear(&msg);
	for (size_t cut = 0; cut < m->n; cut++) {
		enum dns_wire_status st = dns_msg_parse(m->b, cut, &msg);

		if (st != DNS_WIRE_SHORT)
			fail_msg("cut at %zu of %zu: %s", cut, m->n,
			    dns_wire_strerror(st));
		assert_msg_cleared(&msg);
	}
	free(m);
}

/* Nothing past 65535 bytes belongs to a DNS message, however long the
 * buffer handed in: a record reaching past it is SHORT. */
static void
test_parse_over_64k(void **state)
{
	static const size_t rdlens[] = { 65000, 65500 };
	static const enum dns_wire_status want[] = { DNS_WIRE_OK,
	    DNS_WIRE_SHORT };
	uint8_t *buf = xcalloc(1, 70000);
	struct dns_msg msg;
	struct mb *m;

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(rdlens); i++) {
		size_t at;

		m = xcalloc(1, sizeof(*m));
		mb_std(m, F_RESP, "www.example.com", 99);
		at = mb_rr(m, DNS_SEC_ANSWER, "www.example.com", 99, 0);
		/* The rdata itself is the zeros after the builder's bytes. */
		m->b[at] = (uint8_t)(rdlens[i] >> 8);
		m->b[at + 1] = (uint8_t)rdlens[i];
		memset(buf, 0, 70000);
		memcpy(buf, m->b, m->n);
		assert_true(m->n + rdlens[i] < 70000);
		assert_int_equal(dns_msg_parse(buf, 70000, &msg), want[i]);
		if (want[i] == DNS_WIRE_OK)
			assert_int_equal(msg.nrr, 1);
		dns_msg_clear(&msg);
		free(m);
	}
	free(buf);
}

static void
test_parse_flags(void **state)
{
	struct dns_msg msg;

	(void)state;
	assert_int_equal(build_parse(b_nx_soa, &msg), DNS_WIRE_OK);
	assert_true(msg.qr);
	assert_true(msg.aa);
	assert_false(msg.tc);
	assert_true(msg.rd);
	assert_true(msg.ra);
	assert_false(msg.ad);
	assert_int_equal(msg.rcode, 3);
	assert_int_equal(msg.flags, F_RESP | F_AA | 3);
	assert_int_equal(msg.qtype, DNS_T_A);
	assert_int_equal(msg.qclass, DNS_C_IN);
	assert_int_equal(msg.counts[0], 1);
	assert_int_equal(msg.counts[2], 1);
	dns_msg_clear(&msg);
	dns_msg_clear(NULL);
}

/* ---- answer table -------------------------------------------------- */

static void
b_dups(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_a(m, DNS_SEC_ANSWER, "www.example.com", 300, "192.0.2.1");
	mb_a(m, DNS_SEC_ANSWER, "WWW.example.com", 300, "192.0.2.1");
	mb_a(m, DNS_SEC_ANSWER, "www.example.com", 300, "192.0.2.2");
	mb_a(m, DNS_SEC_ANSWER, "www.example.com", 200, "192.0.2.2");
}

static void
b_mx_dups(struct mb *m)
{
	mb_std(m, F_RESP, "example.com", DNS_T_MX);
	mb_mx(m, DNS_SEC_ANSWER, "example.com", 3600, 10, "mx.example.com");
	mb_mx(m, DNS_SEC_ANSWER, "example.com", 3600, 10, "MX.example.com");
	mb_mx(m, DNS_SEC_ANSWER, "example.com", 3600, 20, "mx.example.com");
}

static void
b_cname_q(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_CNAME);
	mb_target(m, DNS_SEC_ANSWER, "www.example.com", DNS_T_CNAME, 60,
	    "a.example.net");
	mb_target(m, DNS_SEC_ANSWER, "a.example.net", DNS_T_CNAME, 60,
	    "b.example.net");
}

static void
b_nodata_soa(struct mb *m)
{
	mb_std(m, F_RESP | F_AA, "example.com", DNS_T_AAAA);
	mb_soa(m, DNS_SEC_AUTHORITY, "example.com", 900, "ns1.example.com",
	    "hostmaster.example.com", 42);
}

static void
b_nodata_nosoa(struct mb *m)
{
	mb_std(m, F_RESP, "example.com", DNS_T_AAAA);
	mb_target(m, DNS_SEC_AUTHORITY, "example.com", DNS_T_NS, 900,
	    "ns1.example.com");
}

static void
b_cname_nx(struct mb *m)
{
	mb_std(m, F_RESP | 3, "www.example.com", DNS_T_A);
	mb_target(m, DNS_SEC_ANSWER, "www.example.com", DNS_T_CNAME, 60,
	    "gone.example.net");
	mb_soa(m, DNS_SEC_AUTHORITY, "example.net", 600, "ns.example.net",
	    "admin.example.net", 9);
}

static void
b_cname_nodata(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_AAAA);
	mb_target(m, DNS_SEC_ANSWER, "www.example.com", DNS_T_CNAME, 60,
	    "v4only.example.net");
	mb_soa(m, DNS_SEC_AUTHORITY, "example.net", 600, "ns.example.net",
	    "admin.example.net", 9);
}

static void
b_other_owner(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_a(m, DNS_SEC_ANSWER, "other.example.com", 60, "192.0.2.9");
	mb_a(m, DNS_SEC_ADDITIONAL, "www.example.com", 60, "192.0.2.9");
}

static void
b_class_mismatch(struct mb *m)
{
	size_t at;

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_name(m, "www.example.com");
	at = mb_rr_fixed(m, DNS_SEC_ANSWER, DNS_T_A, C_CH, 60);
	mb_raw(m, "\300\0\2\1", 4);
	mb_rr_end(m, at);
}

static void
b_loop2(struct mb *m)
{
	mb_std(m, F_RESP, "a.example.com", DNS_T_A);
	mb_target(m, DNS_SEC_ANSWER, "a.example.com", DNS_T_CNAME, 60,
	    "b.example.com");
	mb_target(m, DNS_SEC_ANSWER, "b.example.com", DNS_T_CNAME, 60,
	    "A.example.com");
	mb_a(m, DNS_SEC_ANSWER, "a.example.com", 60, "192.0.2.1");
}

static void
b_loop_self(struct mb *m)
{
	mb_std(m, F_RESP, "a.example.com", DNS_T_A);
	mb_target(m, DNS_SEC_ANSWER, "a.example.com", DNS_T_CNAME, 60,
	    "a.example.com");
}

static void
b_loop_tail(struct mb *m)
{
	mb_std(m, F_RESP, "a.example.com", DNS_T_A);
	mb_target(m, DNS_SEC_ANSWER, "a.example.com", DNS_T_CNAME, 60,
	    "b.example.com");
	mb_target(m, DNS_SEC_ANSWER, "b.example.com", DNS_T_CNAME, 60,
	    "c.example.com");
	mb_target(m, DNS_SEC_ANSWER, "c.example.com", DNS_T_CNAME, 60,
	    "b.example.com");
}

/* www -> c1 -> ... -> cN, with an A record at cN. */
static void
mb_chain(struct mb *m, int hops)
{
	char from[64], to[64];

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	snprintf(from, sizeof(from), "www.example.com");
	for (int i = 1; i <= hops; i++) {
		snprintf(to, sizeof(to), "c%d.example.com", i);
		mb_target(m, DNS_SEC_ANSWER, from, DNS_T_CNAME, (uint32_t)i, to);
		memcpy(from, to, sizeof(from));
	}
	mb_a(m, DNS_SEC_ANSWER, from, 60, "192.0.2.16");
}

static void
b_chain16(struct mb *m)
{
	mb_chain(m, DNS_CHAIN_MAX);
}

static void
b_chain17(struct mb *m)
{
	mb_chain(m, DNS_CHAIN_MAX + 1);
}

static void
mb_rcode(struct mb *m, unsigned rcode)
{
	mb_std(m, F_RESP | rcode, "www.example.com", DNS_T_A);
	mb_soa(m, DNS_SEC_AUTHORITY, "example.com", 900, "ns1.example.com",
	    "hostmaster.example.com", 1);
}

static void
b_formerr(struct mb *m)
{
	mb_rcode(m, 1);
}

static void
b_servfail(struct mb *m)
{
	mb_rcode(m, 2);
}

static void
b_notimp(struct mb *m)
{
	mb_rcode(m, 4);
}

static void
b_refused(struct mb *m)
{
	mb_rcode(m, 5);
}

static void
b_rcode9(struct mb *m)
{
	mb_rcode(m, 9);
}

static void
b_many_a(struct mb *m)
{
	char addr[32];

	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	for (int i = 0; i < DNS_ANS_MAX + 8; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%d", i);
		mb_a(m, DNS_SEC_ANSWER, "www.example.com", 60, addr);
	}
}

static void
b_dup_tail(struct mb *m)
{
	char addr[32];

	/* Exactly DNS_ANS_MAX distinct records, then duplicates only. */
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	for (int i = 0; i < DNS_ANS_MAX + 8; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%d", i % DNS_ANS_MAX);
		mb_a(m, DNS_SEC_ANSWER, "www.example.com", 60, addr);
	}
}

static void
b_two_soa(struct mb *m)
{
	mb_std(m, F_RESP | 3, "x.example.com", DNS_T_A);
	mb_soa(m, DNS_SEC_AUTHORITY, "example.com", 300, "ns1.example.com",
	    "hostmaster.example.com", 1);
	mb_soa(m, DNS_SEC_AUTHORITY, "other.example", 600, "ns.other.example",
	    "root.other.example", 2);
}

static void
b_soa_in_answer(struct mb *m)
{
	mb_std(m, F_RESP, "www.example.com", DNS_T_A);
	mb_soa(m, DNS_SEC_ANSWER, "example.com", 300, "ns1.example.com",
	    "hostmaster.example.com", 1);
}

static void
b_a_auth_soa(struct mb *m)
{
	b_a(m);
	mb_soa(m, DNS_SEC_AUTHORITY, "example.com", 300, "ns1.example.com",
	    "hostmaster.example.com", 1);
}

static void
b_aaaa_dups(struct mb *m)
{
	mb_std(m, F_RESP, "mx.example.com", DNS_T_AAAA);
	mb_aaaa(m, DNS_SEC_ANSWER, "mx.example.com", 60, "2001:db8::25");
	mb_aaaa(m, DNS_SEC_ANSWER, "mx.example.com", 60, "2001:db8:0::25");
	mb_aaaa(m, DNS_SEC_ANSWER, "mx.example.com", 60, "2001:db8::26");
}

static void
b_ptr_dups(struct mb *m)
{
	mb_std(m, F_RESP, "25.2.0.192.in-addr.arpa", DNS_T_PTR);
	mb_target(m, DNS_SEC_ANSWER, "25.2.0.192.in-addr.arpa", DNS_T_PTR, 60,
	    "mail.example.com");
	mb_target(m, DNS_SEC_ANSWER, "25.2.0.192.in-addr.arpa", DNS_T_PTR, 60,
	    "MAIL.example.com");
	mb_target(m, DNS_SEC_ANSWER, "25.2.0.192.in-addr.arpa", DNS_T_PTR, 60,
	    "other.example.com");
}

static void
b_txt_dups(struct mb *m)
{
	mb_std(m, F_RESP, "example.com", DNS_T_TXT);
	mb_txt(m, DNS_SEC_ANSWER, "example.com", 60, "v=spf1 -all",
	    (char *)NULL);
	mb_txt(m, DNS_SEC_ANSWER, "example.com", 60, "v=spf1 -all",
	    (char *)NULL);
	mb_txt(m, DNS_SEC_ANSWER, "example.com", 60, "v=spf1 ", "-all",
	    (char *)NULL);
}

static void
b_soa_dups(struct mb *m)
{
	mb_std(m, F_RESP, "example.com", DNS_T_SOA);
	mb_soa(m, DNS_SEC_ANSWER, "example.com", 60, "ns1.example.com",
	    "hostmaster.example.com", 5);
	mb_soa(m, DNS_SEC_ANSWER, "example.com", 60, "NS1.example.com",
	    "hostmaster.example.com", 5);
	mb_soa(m, DNS_SEC_ANSWER, "example.com", 60, "ns1.example.com",
	    "hostmaster.example.com", 6);
}

struct answer_case {
	const char		*desc;
	void			(*build)(struct mb *);
	const char		*qname;
	uint16_t		 qtype;
	enum dns_outcome	 want;
	const char		*chain;	/* hops joined by spaces */
	const char		*final;	/* dns_answer_final_name() */
	size_t			 nrr;
	const char		*rrs;	/* dump of the kept records, NULL: skip */
	const char		*soa;	/* "zone ttl serial", NULL: none */
	bool			 truncated;
};

static const struct answer_case answer_cases[] = {
	{ "A", b_a, "www.example.com", DNS_T_A, DNS_OUT_ANSWER,
	  "", "www.example.com", 1,
	  "an www.example.com A 300 192.0.2.1", NULL, false },
	{ "authority SOA beside an answer is not kept", b_a_auth_soa,
	  "www.example.com", DNS_T_A, DNS_OUT_ANSWER, "", "www.example.com", 1,
	  "an www.example.com A 300 192.0.2.1", NULL, false },
	{ "qname in another case, final dot", b_a, "WWW.Example.COM.",
	  DNS_T_A, DNS_OUT_ANSWER, "", "WWW.Example.COM.", 1,
	  "an www.example.com A 300 192.0.2.1", NULL, false },
	{ "AAAA", b_aaaa, "mail.example.com", DNS_T_AAAA, DNS_OUT_ANSWER,
	  "", "mail.example.com", 1,
	  "an mail.example.com AAAA 3600 2001:db8::25", NULL, false },
	{ "PTR", b_ptr, "1.2.0.192.in-addr.arpa", DNS_T_PTR, DNS_OUT_ANSWER,
	  "", "1.2.0.192.in-addr.arpa", 1,
	  "an 1.2.0.192.in-addr.arpa PTR 86400 mail.example.com", NULL,
	  false },
	{ "MX, glue ignored", b_mx, "example.com", DNS_T_MX, DNS_OUT_ANSWER,
	  "", "example.com", 2,
	  "an example.com MX 3600 10 mx1.example.com\n"
	  "an example.com MX 3600 20 mx2.example.com", NULL, false },
	{ "TXT", b_txt, "example.com", DNS_T_TXT, DNS_OUT_ANSWER,
	  "", "example.com", 1,
	  "an example.com TXT 300 3 v=spf1 ip4:192.0.2.0/24 -all", NULL,
	  false },
	{ "duplicates removed", b_dups, "www.example.com", DNS_T_A,
	  DNS_OUT_ANSWER, "", "www.example.com", 2,
	  "an www.example.com A 300 192.0.2.1\n"
	  "an www.example.com A 300 192.0.2.2", NULL, false },
	{ "MX duplicates removed", b_mx_dups, "example.com", DNS_T_MX,
	  DNS_OUT_ANSWER, "", "example.com", 2,
	  "an example.com MX 3600 10 mx.example.com\n"
	  "an example.com MX 3600 20 mx.example.com", NULL, false },
	{ "AAAA duplicates removed", b_aaaa_dups, "mx.example.com",
	  DNS_T_AAAA, DNS_OUT_ANSWER, "", "mx.example.com", 2,
	  "an mx.example.com AAAA 60 2001:db8::25\n"
	  "an mx.example.com AAAA 60 2001:db8::26", NULL, false },
	{ "PTR duplicates removed", b_ptr_dups, "25.2.0.192.in-addr.arpa",
	  DNS_T_PTR, DNS_OUT_ANSWER, "", "25.2.0.192.in-addr.arpa", 2,
	  "an 25.2.0.192.in-addr.arpa PTR 60 mail.example.com\n"
	  "an 25.2.0.192.in-addr.arpa PTR 60 other.example.com", NULL,
	  false },
	{ "TXT duplicates removed, split strings kept", b_txt_dups,
	  "example.com", DNS_T_TXT, DNS_OUT_ANSWER, "", "example.com", 2,
	  "an example.com TXT 60 1 v=spf1 -all\n"
	  "an example.com TXT 60 2 v=spf1 -all", NULL, false },
	{ "SOA duplicates removed", b_soa_dups, "example.com", DNS_T_SOA,
	  DNS_OUT_ANSWER, "", "example.com", 2,
	  "an example.com SOA 60 ns1.example.com hostmaster.example.com "
	  "5 7200 3600 1209600 300\n"
	  "an example.com SOA 60 ns1.example.com hostmaster.example.com "
	  "6 7200 3600 1209600 300", NULL, false },
	{ "CNAME chain", b_cname_chain, "www.example.com", DNS_T_A,
	  DNS_OUT_ANSWER, "a.example.net b.example.org", "b.example.org", 1,
	  "an b.example.org A 30 198.51.100.7", NULL, false },
	{ "asking for the CNAME", b_cname_q, "www.example.com", DNS_T_CNAME,
	  DNS_OUT_ANSWER, "", "www.example.com", 1,
	  "an www.example.com CNAME 60 a.example.net", NULL, false },
	{ "NODATA with SOA", b_nodata_soa, "example.com", DNS_T_AAAA,
	  DNS_OUT_NODATA, "", "example.com", 0, "",
	  "example.com 900 42", false },
	{ "NODATA without SOA", b_nodata_nosoa, "example.com", DNS_T_AAAA,
	  DNS_OUT_NODATA, "", "example.com", 0, "", NULL, false },
	{ "records for other names only", b_other_owner, "www.example.com",
	  DNS_T_A, DNS_OUT_NODATA, "", "www.example.com", 0, "", NULL, false },
	{ "record of another class", b_class_mismatch, "www.example.com",
	  DNS_T_A, DNS_OUT_NODATA, "", "www.example.com", 0, "", NULL, false },
	{ "SOA in the answer section is not negative", b_soa_in_answer,
	  "www.example.com", DNS_T_A, DNS_OUT_NODATA, "", "www.example.com",
	  0, "", NULL, false },
	{ "NXDOMAIN with SOA", b_nx_soa, "nope.example.com", DNS_T_A,
	  DNS_OUT_NXDOMAIN, "", "nope.example.com", 0, "",
	  "example.com 3600 2024010101", false },
	{ "NXDOMAIN, first SOA taken", b_two_soa, "x.example.com", DNS_T_A,
	  DNS_OUT_NXDOMAIN, "", "x.example.com", 0, "",
	  "example.com 300 1", false },
	{ "CNAME then NXDOMAIN", b_cname_nx, "www.example.com", DNS_T_A,
	  DNS_OUT_NXDOMAIN, "gone.example.net", "gone.example.net", 0, "",
	  "example.net 600 9", false },
	{ "CNAME then NODATA", b_cname_nodata, "www.example.com", DNS_T_AAAA,
	  DNS_OUT_NODATA, "v4only.example.net", "v4only.example.net", 0, "",
	  "example.net 600 9", false },
	{ "CNAME loop of two", b_loop2, "a.example.com", DNS_T_A,
	  DNS_OUT_CHAINLOOP, "b.example.com", "b.example.com", 0, "", NULL,
	  false },
	{ "CNAME to itself", b_loop_self, "a.example.com", DNS_T_A,
	  DNS_OUT_CHAINLOOP, "", "a.example.com", 0, "", NULL, false },
	{ "CNAME loop after the first hop", b_loop_tail, "a.example.com",
	  DNS_T_A, DNS_OUT_CHAINLOOP, "b.example.com c.example.com",
	  "c.example.com", 0, "", NULL, false },
	{ "chain of DNS_CHAIN_MAX", b_chain16, "www.example.com", DNS_T_A,
	  DNS_OUT_ANSWER,
	  "c1.example.com c2.example.com c3.example.com c4.example.com "
	  "c5.example.com c6.example.com c7.example.com c8.example.com "
	  "c9.example.com c10.example.com c11.example.com c12.example.com "
	  "c13.example.com c14.example.com c15.example.com c16.example.com",
	  "c16.example.com", 1, "an c16.example.com A 60 192.0.2.16", NULL,
	  false },
	{ "chain too long", b_chain17, "www.example.com", DNS_T_A,
	  DNS_OUT_CHAINLOOP, NULL, "c16.example.com", 0, "", NULL, false },
	{ "question name differs", b_a, "mail.example.com", DNS_T_A,
	  DNS_OUT_FORMERR, "", "mail.example.com", 0, "", NULL, false },
	{ "question type differs", b_a, "www.example.com", DNS_T_AAAA,
	  DNS_OUT_FORMERR, "", "www.example.com", 0, "", NULL, false },
	{ "rcode FORMERR", b_formerr, "www.example.com", DNS_T_A,
	  DNS_OUT_FORMERR, "", "www.example.com", 0, "", NULL, false },
	{ "rcode SERVFAIL", b_servfail, "www.example.com", DNS_T_A,
	  DNS_OUT_SERVFAIL, "", "www.example.com", 0, "", NULL, false },
	{ "rcode NOTIMP", b_notimp, "www.example.com", DNS_T_A,
	  DNS_OUT_NOTIMP, "", "www.example.com", 0, "", NULL, false },
	{ "rcode REFUSED", b_refused, "www.example.com", DNS_T_A,
	  DNS_OUT_REFUSED, "", "www.example.com", 0, "", NULL, false },
	{ "rcode 9", b_rcode9, "www.example.com", DNS_T_A,
	  DNS_OUT_OTHER, "", "www.example.com", 0, "", NULL, false },
	{ "more than DNS_ANS_MAX records", b_many_a, "www.example.com",
	  DNS_T_A, DNS_OUT_ANSWER, "", "www.example.com", DNS_ANS_MAX, NULL,
	  NULL, true },
	{ "DNS_ANS_MAX records plus duplicates", b_dup_tail,
	  "www.example.com", DNS_T_A, DNS_OUT_ANSWER, "", "www.example.com",
	  DNS_ANS_MAX, NULL, NULL, false },
};

static void
join_chain(const struct dns_answer *ans, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ans->chain.n; i++)
		app(out, outlen, &o, "%s%s", i ? " " : "", ans->chain.v[i]);
}

/* Every field a case states, of an answer or of its flat copy. */
static void
check_answer_case(const struct answer_case *c, const struct dns_answer *a)
{
	struct dns_answer ans = *a;
	char buf[8192];
	size_t o = 0;

	if (ans.outcome != c->want)
		fail_msg("%s: outcome %s, want %s", c->desc,
		    dns_outcome_name(ans.outcome), dns_outcome_name(c->want));
	assert_string_equal(ans.qname, c->qname);
	assert_int_equal(ans.qtype, c->qtype);
	if (c->chain != NULL) {
		join_chain(&ans, buf, sizeof(buf));
		assert_string_equal(buf, c->chain);
	}
	assert_true(ans.chain.n <= DNS_CHAIN_MAX);
	assert_string_equal(dns_answer_final_name(&ans), c->final);
	assert_int_equal(ans.nrr, c->nrr);
	assert_int_equal(ans.rr == NULL, c->nrr == 0);
	if (c->rrs != NULL) {
		buf[0] = '\0';
		for (size_t i = 0; i < ans.nrr; i++) {
			if (i > 0)
				app(buf, sizeof(buf), &o, "\n");
			dump_rr(&ans.rr[i], buf, sizeof(buf), &o);
		}
		assert_string_equal(buf, c->rrs);
	}
	assert_int_equal(ans.rr_truncated, c->truncated);
	assert_int_equal(ans.has_soa, c->soa != NULL);
	if (c->soa != NULL) {
		snprintf(buf, sizeof(buf), "%s %u %u", ans.soa_zone,
		    (unsigned)ans.soa_ttl, (unsigned)ans.soa.serial);
		assert_string_equal(buf, c->soa);
	}
}

static void
test_answer_case(void **state)
{
	const struct answer_case *c = *state;
	struct dns_answer ans, *flat;
	struct dns_msg msg;

	if (build_parse(c->build, &msg) != DNS_WIRE_OK)
		fail_msg("%s: message does not parse", c->desc);
	dns_answer_from_msg(&msg, c->qname, c->qtype, &ans);
	dns_msg_clear(&msg);
	check_answer_case(c, &ans);
	/* The one-block copy says the same once the original is gone. */
	flat = dns_answer_dup_flat(&ans);
	dns_answer_clear(&ans);
	check_answer_case(c, flat);
	free(flat);
}

static void
test_answer_flags(void **state)
{
	struct dns_answer ans;
	struct dns_msg msg;
	struct mb *m = calloc(1, sizeof(*m));

	(void)state;
	assert_non_null(m);
	mb_std(m, F_RESP | F_AA | F_AD, "www.example.com", DNS_T_A);
	mb_a(m, DNS_SEC_ANSWER, "www.example.com", 300, "192.0.2.1");
	assert_int_equal(dns_msg_parse(m->b, m->n, &msg), DNS_WIRE_OK);
	free(m);
	dns_answer_from_msg(&msg, "www.example.com", DNS_T_A, &ans);
	assert_true(ans.aa);
	assert_true(ans.ad);
	assert_int_equal(ans.rcode, 0);
	dns_answer_clear(&ans);
	dns_msg_clear(&msg);

	assert_int_equal(build_parse(b_nx_soa, &msg), DNS_WIRE_OK);
	dns_answer_from_msg(&msg, "nope.example.com", DNS_T_A, &ans);
	assert_true(ans.aa);
	assert_false(ans.ad);
	assert_int_equal(ans.rcode, 3);
	assert_string_equal(ans.soa.mname, "ns1.example.com");
	assert_string_equal(ans.soa.rname, "hostmaster.example.com");
	assert_int_equal(ans.soa.minimum, 300);
	dns_answer_clear(&ans);
	dns_msg_clear(&msg);
}

/* A message that failed to parse is left cleared; interpreting it gives
 * FORMERR, never a verdict about the name. */
static void
test_answer_from_cleared(void **state)
{
	struct dns_answer ans;
	struct dns_msg msg;

	(void)state;
	assert_int_equal(build_parse(b_a_len5, &msg), DNS_WIRE_BADRDATA);
	dns_answer_from_msg(&msg, "www.example.com", DNS_T_A, &ans);
	assert_int_equal(ans.outcome, DNS_OUT_FORMERR);
	assert_false(dns_outcome_is_temporary(ans.outcome));
	dns_answer_clear(&ans);
}

static void
test_answer_init_copy_clear(void **state)
{
	struct dns_answer a, b;
	struct dns_msg msg;

	(void)state;
	dns_answer_init(&a, "mx.example.com", DNS_T_AAAA, DNS_OUT_TIMEOUT);
	assert_int_equal(a.outcome, DNS_OUT_TIMEOUT);
	assert_int_equal(a.rcode, -1);
	assert_string_equal(a.qname, "mx.example.com");
	assert_string_equal(dns_answer_final_name(&a), "mx.example.com");
	assert_int_equal(a.nrr, 0);
	assert_null(a.rr);
	assert_int_equal(a.chain.n, 0);
	assert_false(a.has_soa);
	dns_answer_clear(&a);

	assert_int_equal(build_parse(b_cname_chain, &msg), DNS_WIRE_OK);
	dns_answer_from_msg(&msg, "www.example.com", DNS_T_A, &a);
	dns_msg_clear(&msg);
	snprintf(a.server, sizeof(a.server), "127.0.0.1:5353");
	dns_answer_copy(&b, &a);
	assert_int_equal(b.outcome, DNS_OUT_ANSWER);
	assert_int_equal(b.chain.n, 2);
	assert_ptr_not_equal(b.chain.v, a.chain.v);
	assert_ptr_not_equal(b.chain.v[1], a.chain.v[1]);
	assert_string_equal(b.chain.v[1], "b.example.org");
	assert_int_equal(b.chain_ttl[1], 70);
	assert_int_equal(b.nrr, 1);
	assert_ptr_not_equal(b.rr, a.rr);
	/* A deep copy: the same record, its own name. */
	assert_int_equal(b.rr[0].type, a.rr[0].type);
	assert_int_equal(b.rr[0].ttl, a.rr[0].ttl);
	assert_memory_equal(&b.rr[0].u.a, &a.rr[0].u.a, sizeof(a.rr[0].u.a));
	assert_ptr_not_equal(b.rr[0].name, a.rr[0].name);
	assert_string_equal(b.rr[0].name, a.rr[0].name);
	assert_ptr_not_equal(b.qname, a.qname);
	assert_string_equal(b.server, "127.0.0.1:5353");
	/* The copy outlives the original. */
	dns_answer_clear(&a);
	assert_string_equal(dns_answer_final_name(&b), "b.example.org");
	assert_int_equal(b.rr[0].u.a.s_addr, htonl(0xc6336407));
	dns_answer_clear(&b);
	assert_int_equal(b.nrr, 0);
	assert_null(b.rr);
	dns_answer_clear(&b);
	dns_answer_clear(NULL);
}

/* ---- small tables -------------------------------------------------- */

static void
test_outcomes(void **state)
{
	static const struct {
		enum dns_outcome o;
		const char	*name;
		bool		 temporary;
	} t[] = {
		{ DNS_OUT_ANSWER, "answer", false },
		{ DNS_OUT_NODATA, "nodata", false },
		{ DNS_OUT_NXDOMAIN, "nxdomain", false },
		{ DNS_OUT_SERVFAIL, "servfail", true },
		{ DNS_OUT_REFUSED, "refused", true },
		{ DNS_OUT_TIMEOUT, "timeout", true },
		{ DNS_OUT_FORMERR, "formerr", false },
		{ DNS_OUT_NOTIMP, "notimp", false },
		{ DNS_OUT_CHAINLOOP, "chainloop", false },
		{ DNS_OUT_OTHER, "other", true },
	};

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(t); i++) {
		assert_string_equal(dns_outcome_name(t[i].o), t[i].name);
		assert_int_equal(dns_outcome_is_temporary(t[i].o),
		    t[i].temporary);
	}
}

static void
test_strerror(void **state)
{
	static const enum dns_wire_status st[] = { DNS_WIRE_OK,
	    DNS_WIRE_SHORT, DNS_WIRE_BADNAME, DNS_WIRE_BADRDATA,
	    DNS_WIRE_NOQUESTION, DNS_WIRE_NOTRESPONSE };

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(st); i++) {
		const char *s = dns_wire_strerror(st[i]);

		assert_non_null(s);
		assert_true(strlen(s) > 1);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, dns_wire_strerror(st[j]));
	}
}

static void
test_reverse_names(void **state)
{
	static const struct {
		int		 af;
		const char	*addr;
		size_t		 outlen;
		bool		 ok;
		const char	*want;
	} t[] = {
		{ AF_INET, "192.0.2.1", 64, true, "1.2.0.192.in-addr.arpa" },
		{ AF_INET, "0.0.0.0", 64, true, "0.0.0.0.in-addr.arpa" },
		{ AF_INET, "255.255.255.255", 29, true,
		  "255.255.255.255.in-addr.arpa" },
		{ AF_INET, "255.255.255.255", 28, false, "" },
		{ AF_INET, "10.0.0.1", 0, false, NULL },
		{ AF_INET6, "2001:db8::1", 73, true,
		  "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		  "8.b.d.0.1.0.0.2.ip6.arpa" },
		{ AF_INET6, "::", 128, true,
		  "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
		  "0.0.0.0.0.0.0.0.ip6.arpa" },
		{ AF_INET6, "2001:DB8:ABCD:EF01::FFFF", 128, true,
		  "f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.1.0.f.e.d.c.b.a."
		  "8.b.d.0.1.0.0.2.ip6.arpa" },
		{ AF_INET6, "2001:db8::1", 72, false, "" },
		{ AF_INET6, "2001:db8::1", 16, false, "" },
	};

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(t); i++) {
		uint8_t addr[16];
		char out[128];

		memset(out, 'Z', sizeof(out));
		assert_int_equal(inet_pton(t[i].af, t[i].addr, addr), 1);
		if (dns_reverse_name(t[i].af, addr, out, t[i].outlen) !=
		    t[i].ok)
			fail_msg("%s in %zu bytes: want %s", t[i].addr,
			    t[i].outlen, t[i].ok ? "true" : "false");
		if (t[i].want != NULL)
			assert_string_equal(out, t[i].want);
		else
			assert_int_equal(out[0], 'Z');	/* untouched */
	}
	assert_false(dns_reverse_name(AF_UNIX, "\1\2\3\4", (char[8]){ 0 }, 8));
}

/* ---- query encoding -------------------------------------------------- */

static void
test_query_encode(void **state)
{
	static const struct {
		const char	*name;		/* presentation form given */
		const char	*back;		/* as the parser prints it; NULL: refused */
	} cases[] = {
		{ "mail.example.com", "mail.example.com" },
		{ "mail.example.com.", "mail.example.com" },
		{ "10.0/25.2.0.192.in-addr.arpa", "10.0/25.2.0.192.in-addr.arpa" },
		{ "a\\.b.example", "a\\.b.example" },
		{ "sp\\032ace.example", "sp\\032ace.example" },
		{ "q\\034uote.example", "q\\\"uote.example" },
		{ "nul\\000.example", "nul\\000.example" },
		{ ".", "." },
		{ "a..example", NULL },
		{ ".example", NULL },
		{ "bad\\25", NULL },
		{ "bad\\256x", NULL },
		{ "trailing\\", NULL },
		{ "x23456789012345678901234567890123456789012345678901234567890123"
		  "4.example", NULL },
	};

	for (size_t i = 0; i < UTIL_ARRAY_LEN(cases); i++) {
		uint8_t buf[DNS_QUERY_MAX];
		struct dns_msg msg;
		size_t len = dns_query_encode(cases[i].name, DNS_T_PTR, 0x1234,
		    1232, buf, sizeof(buf));

		if (cases[i].back == NULL) {
			if (len != 0)
				fail_msg("encoded bad name %s", cases[i].name);
			continue;
		}
		if (len == 0)
			fail_msg("refused %s", cases[i].name);
		/* Parse it back as if it were a response. */
		buf[2] |= 0x80;
		assert_int_equal(dns_msg_parse(buf, len, &msg), DNS_WIRE_OK);
		assert_string_equal(msg.qname, cases[i].back);
		assert_int_equal(msg.qtype, DNS_T_PTR);
		assert_int_equal(msg.id, 0x1234);
		assert_true(msg.rd);
		assert_true(msg.ad);
		assert_int_equal(msg.nrr, 0);	/* the OPT is skipped */
		dns_msg_clear(&msg);
	}
	/* A 255-octet name fits DNS_QUERY_MAX; a 256-octet one is refused. */
	{
		char name[400] = "";
		uint8_t buf[DNS_QUERY_MAX];

		/* 4 x 63-octet labels = 4 * 64 + 1 = 257 octets: too long. */
		for (int l = 0; l < 4; l++) {
			memset(name + strlen(name), 'a', 63);
			strcat(name, l < 3 ? "." : "");
		}
		assert_int_equal(dns_query_encode(name, DNS_T_A, 1, 1232, buf,
		    sizeof(buf)), 0);
		/* 3 x 63 + 61 = 3 * 64 + 62 + 1 = 255 octets: fits. */
		name[63 * 3 + 3 + 61] = '\0';
		assert_true(dns_query_encode(name, DNS_T_A, 1, 1232, buf,
		    sizeof(buf)) > 0);
		assert_int_equal(dns_query_encode("x.example", DNS_T_A, 1, 0,
		    buf, 20), 0);
	}
}

/* A record of each type that owns strings: the copy has its own strings
 * (so it outlives the original), and clear frees by type. */
static void
test_rr_copy_clear(void **state)
{
	static const uint16_t types[] = {
		DNS_T_PTR, DNS_T_CNAME, DNS_T_NS, DNS_T_MX, DNS_T_SOA,
		DNS_T_TXT, DNS_T_SPF, DNS_T_A,
	};

	(void)state;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(types); i++) {
		struct dns_rr a, b;

		memset(&a, 0, sizeof(a));
		a.type = types[i];
		a.ttl = 60;
		dns_str_set(&a.name, "Owner.Example");
		switch (a.type) {
		case DNS_T_MX:
			a.u.mx.pref = 10;
			dns_str_set(&a.u.mx.exchange, "mx.example");
			break;
		case DNS_T_SOA:
			dns_str_set(&a.u.soa.mname, "ns1.example");
			dns_str_set(&a.u.soa.rname, "hostmaster.example");
			a.u.soa.serial = 7;
			break;
		case DNS_T_TXT:
		case DNS_T_SPF:
			dns_rr_set_txt(&a, "v=spf1 -all\0x", 13);
			break;
		case DNS_T_A:
			a.u.a.s_addr = htonl(0xc0000201);
			break;
		default:
			dns_str_set(&a.u.target, "target.example");
			break;
		}
		dns_rr_copy(&b, &a);
		dns_rr_copy(&b, &b);
		assert_ptr_not_equal(a.name, b.name);
		switch (a.type) {
		case DNS_T_MX:
			assert_ptr_not_equal(a.u.mx.exchange, b.u.mx.exchange);
			break;
		case DNS_T_SOA:
			assert_ptr_not_equal(a.u.soa.mname, b.u.soa.mname);
			assert_ptr_not_equal(a.u.soa.rname, b.u.soa.rname);
			break;
		case DNS_T_TXT:
		case DNS_T_SPF:
			assert_ptr_not_equal(a.u.txt.data, b.u.txt.data);
			break;
		case DNS_T_A:
			break;
		default:
			assert_ptr_not_equal(a.u.target, b.u.target);
			break;
		}
		dns_rr_clear(&a);
		assert_null(a.name);
		assert_string_equal(b.name, "Owner.Example");
		assert_int_equal(b.ttl, 60);
		switch (b.type) {
		case DNS_T_MX:
			assert_int_equal(b.u.mx.pref, 10);
			assert_string_equal(b.u.mx.exchange, "mx.example");
			break;
		case DNS_T_SOA:
			assert_string_equal(b.u.soa.mname, "ns1.example");
			assert_string_equal(b.u.soa.rname, "hostmaster.example");
			assert_int_equal(b.u.soa.serial, 7);
			break;
		case DNS_T_TXT:
		case DNS_T_SPF:
			/* A NUL inside the data is kept, and one ends it. */
			assert_int_equal(b.u.txt.len, 13);
			assert_memory_equal(b.u.txt.data, "v=spf1 -all\0x\0",
			    14);
			assert_int_equal(b.u.txt.nstrings, 1);
			assert_int_equal(b.u.txt.bounds[0], 13);
			break;
		case DNS_T_A:
			assert_int_equal(b.u.a.s_addr, htonl(0xc0000201));
			break;
		default:
			assert_string_equal(b.u.target, "target.example");
			break;
		}
		dns_rr_clear(&b);
		dns_rr_clear(NULL);
	}
}

/* The setters: a value may point into the string it replaces, NULL
 * frees, and TXT data is capped at DNS_TXT_MAX. */
static void
test_rr_setters(void **state)
{
	static char big[DNS_TXT_MAX + 300];
	struct dns_rr rr;
	char *s = NULL;

	(void)state;
	dns_str_set(&s, "mail.example.com");
	dns_str_set(&s, s + 5);
	assert_string_equal(s, "example.com");
	dns_str_set(&s, NULL);
	assert_null(s);

	memset(big, 'x', sizeof(big));
	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_TXT;
	dns_rr_set_txt(&rr, big, sizeof(big));
	assert_int_equal(rr.u.txt.len, DNS_TXT_MAX);
	assert_int_equal(rr.u.txt.bounds[0], DNS_TXT_MAX);
	assert_int_equal(rr.u.txt.data[DNS_TXT_MAX], '\0');
	dns_rr_set_txt(&rr, "", 0);
	assert_int_equal(rr.u.txt.len, 0);
	assert_string_equal(rr.u.txt.data, "");
	dns_rr_clear(&rr);
}

/* ---- runner -------------------------------------------------------- */

int
main(void)
{
	static const struct {
		const char		*name;
		CMUnitTestFunction	 fn;
	} fixed[] = {
		{ "parse: every cut of a good message", test_parse_every_cut },
		{ "parse: header flags", test_parse_flags },
		{ "parse: nothing read past 64k", test_parse_over_64k },
		{ "answer: flags and SOA fields", test_answer_flags },
		{ "answer: from a cleared message", test_answer_from_cleared },
		{ "answer: init, copy, clear", test_answer_init_copy_clear },
		{ "records: copy and clear by type", test_rr_copy_clear },
		{ "records: setters", test_rr_setters },
		{ "outcome names and temporariness", test_outcomes },
		{ "wire strerror", test_strerror },
		{ "reverse names", test_reverse_names },
		{ "query encoding", test_query_encode },
	};
	size_t n = UTIL_ARRAY_LEN(parse_cases) + UTIL_ARRAY_LEN(answer_cases) +
	    UTIL_ARRAY_LEN(fixed), k = 0;
	struct CMUnitTest *tests = xcalloc(n, sizeof(*tests));
	char **names = xcalloc(n, sizeof(*names));
	int rc;

	/* One cmocka test per table row, so a failure names its row. */
	for (size_t i = 0; i < UTIL_ARRAY_LEN(parse_cases); i++, k++) {
		names[k] = xasprintf("parse: %s", parse_cases[i].desc);
		tests[k].name = names[k];
		tests[k].test_func = test_parse_case;
		/* cmocka hands initial_state over as void *, never writes it */
		tests[k].initial_state = (void *)(uintptr_t)&parse_cases[i];
	}
	for (size_t i = 0; i < UTIL_ARRAY_LEN(answer_cases); i++, k++) {
		names[k] = xasprintf("answer: %s", answer_cases[i].desc);
		tests[k].name = names[k];
		tests[k].test_func = test_answer_case;
		tests[k].initial_state = (void *)(uintptr_t)&answer_cases[i];
	}
	for (size_t i = 0; i < UTIL_ARRAY_LEN(fixed); i++, k++) {
		tests[k].name = fixed[i].name;
		tests[k].test_func = fixed[i].fn;
	}
	rc = _cmocka_run_group_tests("dns_wire", tests, n, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(tests);
	return rc;
}

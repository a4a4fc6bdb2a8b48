/* SPDX-License-Identifier: MIT */
/*
 * DNS response parsing and interpretation. Every byte of a peer's message
 * is read through the small length-checked fetch helpers below, so a
 * malformed or hostile response ends in a status, never in a stray read.
 */
#include "dns/wire.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define DNS_T_OPT	41
#define DNS_WIRE_NAME_MAX 255
/* Smallest possible record: root owner name plus the 10 fixed bytes. */
#define DNS_RR_MIN	11

/*
 * A view of the message being read. len bounds every fetch; for rdata a
 * copy of the reader with len set to the end of the rdata keeps a record
 * from reading into its neighbour.
 */
struct wire_rd {
	const uint8_t	*buf;
	size_t		 len;
	size_t		 off;
};

static enum dns_wire_status
rd_u16(struct wire_rd *r, uint16_t *v)
{
	if (r->len - r->off < 2)
		return DNS_WIRE_SHORT;
	*v = (uint16_t)(r->buf[r->off] << 8 | r->buf[r->off + 1]);
	r->off += 2;
	return DNS_WIRE_OK;
}

static enum dns_wire_status
rd_u32(struct wire_rd *r, uint32_t *v)
{
	const uint8_t *p;

	if (r->len - r->off < 4)
		return DNS_WIRE_SHORT;
	p = r->buf + r->off;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
	r->off += 4;
	return DNS_WIRE_OK;
}

static enum dns_wire_status
rd_bytes(struct wire_rd *r, void *dst, size_t n)
{
	if (r->len - r->off < n)
		return DNS_WIRE_SHORT;
	memcpy(dst, r->buf + r->off, n);
	r->off += n;
	return DNS_WIRE_OK;
}

static enum dns_wire_status
rd_skip(struct wire_rd *r, size_t n)
{
	if (r->len - r->off < n)
		return DNS_WIRE_SHORT;
	r->off += n;
	return DNS_WIRE_OK;
}

/*
 * Append one label in presentation form at out[*o]. Printable ASCII stays
 * bare (RFC 2317 names carry '/'); '.', '\\' and the zone-file specials
 * get a backslash; space and every other byte become \DDD, so names stay
 * printable, unambiguous, and parseable back by dns_query_encode().
 */
/* How name_put_label writes each byte: '0' as itself, '1' after a
 * backslash (the characters of master-file syntax), '2' as \DDD. */
static const char name_byte_class[257] =
	"2222222222222222"	/* 0x00 */
	"2222222222222222"	/* 0x10 */
	"2010100011000010"	/* 0x20 */
	"0000000000010000"	/* 0x30 */
	"1000000000000000"	/* 0x40 */
	"0000000000001000"	/* 0x50 */
	"0000000000000000"	/* 0x60 */
	"0000000000000002"	/* 0x70 */
	"2222222222222222"	/* 0x80 */
	"2222222222222222"	/* 0x90 */
	"2222222222222222"	/* 0xa0 */
	"2222222222222222"	/* 0xb0 */
	"2222222222222222"	/* 0xc0 */
	"2222222222222222"	/* 0xd0 */
	"2222222222222222"	/* 0xe0 */
	"2222222222222222"	/* 0xf0 */;

static bool
name_put_label(char *out, size_t outlen, size_t *o, const uint8_t *lab,
    size_t n)
{
	size_t pos = *o;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = lab[i];

		char cls = name_byte_class[c];

		if (cls == '1') {
			if (outlen - pos < 3)
				return false;
			out[pos++] = '\\';
			out[pos++] = (char)c;
		} else if (cls == '0') {
			if (outlen - pos < 2)
				return false;
			out[pos++] = (char)c;
		} else {
			if (outlen - pos < 5)
				return false;
			out[pos++] = '\\';
			out[pos++] = (char)('0' + c / 100);
			out[pos++] = (char)('0' + c / 10 % 10);
			out[pos++] = (char)('0' + c % 10);
		}
	}
	*o = pos;
	return true;
}

/*
 * Read a possibly compressed name at r->off into out (presentation form,
 * no final dot, "." for the root) and leave r->off after the name's bytes
 * in the stream. Every pointer must point before the start of the run of
 * labels that contains it, so each jump goes strictly backwards and a
 * loop cannot be built; DNS_PTR_JUMPS caps the work all the same.
 */
static enum dns_wire_status
rd_name(struct wire_rd *r, char *out, size_t outlen)
{
	size_t pos = r->off, seg = r->off, end = 0, wirelen = 0, o = 0;
	unsigned jumps = 0;

	for (;;) {
		uint8_t c;

		if (pos >= r->len)
			return jumps ? DNS_WIRE_BADNAME : DNS_WIRE_SHORT;
		c = r->buf[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= r->len)
				return jumps ? DNS_WIRE_BADNAME : DNS_WIRE_SHORT;
			target = (size_t)(c & 0x3f) << 8 | r->buf[pos + 1];
			if (jumps == 0)
				end = pos + 2;
			if (target >= seg || ++jumps > DNS_PTR_JUMPS)
				return DNS_WIRE_BADNAME;
			pos = seg = target;
			continue;
		}
		/* 0x40 and 0x80 are reserved label types; this is also
		 * what keeps a label within 63 bytes. */
		if (c & 0xc0)
			return DNS_WIRE_BADNAME;
		wirelen += (size_t)c + 1;
		if (wirelen > DNS_WIRE_NAME_MAX)
			return DNS_WIRE_BADNAME;
		if (c == 0) {
			if (jumps == 0)
				end = pos + 1;
			break;
		}
		if (r->len - pos - 1 < c)
			return jumps ? DNS_WIRE_BADNAME : DNS_WIRE_SHORT;
		if (o > 0) {
			if (outlen - o < 2)
				return DNS_WIRE_BADNAME;
			out[o++] = '.';
		}
		if (!name_put_label(out, outlen, &o, r->buf + pos + 1, c))
			return DNS_WIRE_BADNAME;
		pos += (size_t)c + 1;
	}
	if (o == 0) {
		if (outlen < 2)
			return DNS_WIRE_BADNAME;
		out[o++] = '.';
	}
	out[o] = '\0';
	r->off = end;
	return DNS_WIRE_OK;
}

/* len bytes and a NUL, for TXT text (which may hold NULs). */
static char *
xstrndup_bytes(const char *p, size_t len)
{
	char *d = xcalloc(1, len + 1);

	memcpy(d, p, len);
	return d;
}

/*
 * TXT: <len><bytes> strings that fill the rdata exactly. Only the first
 * DNS_TXT_MAX bytes are kept; the strings are still all walked so that a
 * bad length is caught however long the record is.
 */
static enum dns_wire_status
rd_txt(struct wire_rd *r, struct dns_rr *rr)
{
	char data[DNS_TXT_MAX];

	rr->u.txt.len = 0;
	rr->u.txt.nstrings = 0;
	rr->u.txt.data = NULL;
	while (r->off < r->len) {
		size_t n = r->buf[r->off++], keep;

		if (r->len - r->off < n)
			return DNS_WIRE_BADRDATA;
		keep = DNS_TXT_MAX - rr->u.txt.len;
		if (keep > n)
			keep = n;
		memcpy(data + rr->u.txt.len, r->buf + r->off, keep);
		rr->u.txt.len += keep;
		r->off += n;
		if (rr->u.txt.nstrings < DNS_TXT_BOUNDS)
			rr->u.txt.bounds[rr->u.txt.nstrings] =
			    (uint16_t)rr->u.txt.len;
		rr->u.txt.nstrings++;
	}
	rr->u.txt.data = xstrndup_bytes(data, rr->u.txt.len);
	return DNS_WIRE_OK;
}

/*
 * Decode the rdata of the known types. r covers exactly the rdata, so a
 * type that needs more than rdlength fails with SHORT, which the caller
 * turns into BADRDATA, and a type that needs less leaves bytes over.
 */
static enum dns_wire_status
rd_rdata(struct wire_rd *r, struct dns_rr *rr)
{
	enum dns_wire_status st = DNS_WIRE_OK;
	struct dns_soa *soa = &rr->u.soa;
	char name[DNS_NAME_BUF], name2[DNS_NAME_BUF];

	switch (rr->type) {
	case DNS_T_A:
		/* Outside class IN an A record has another layout. */
		if (rr->rclass != DNS_C_IN)
			return rd_skip(r, r->len - r->off);
		st = rd_bytes(r, &rr->u.a, sizeof(rr->u.a));
		break;
	case DNS_T_AAAA:
		if (rr->rclass != DNS_C_IN)
			return rd_skip(r, r->len - r->off);
		st = rd_bytes(r, &rr->u.aaaa, sizeof(rr->u.aaaa));
		break;
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
		if ((st = rd_name(r, name, sizeof(name))) == DNS_WIRE_OK)
			rr->u.target = xstrdup(name);
		break;
	case DNS_T_MX:
		if ((st = rd_u16(r, &rr->u.mx.pref)) == DNS_WIRE_OK &&
		    (st = rd_name(r, name, sizeof(name))) == DNS_WIRE_OK)
			rr->u.mx.exchange = xstrdup(name);
		break;
	case DNS_T_SOA:
		if ((st = rd_name(r, name, sizeof(name))) ||
		    (st = rd_name(r, name2, sizeof(name2))) ||
		    (st = rd_u32(r, &soa->serial)) ||
		    (st = rd_u32(r, &soa->refresh)) ||
		    (st = rd_u32(r, &soa->retry)) ||
		    (st = rd_u32(r, &soa->expire)) ||
		    (st = rd_u32(r, &soa->minimum)))
			break;
		soa->mname = xstrdup(name);
		soa->rname = xstrdup(name2);
		break;
	case DNS_T_TXT:
		st = rd_txt(r, rr);
		break;
	default:
		/* Unknown types keep their header only. */
		return rd_skip(r, r->len - r->off);
	}
	if (st == DNS_WIRE_SHORT)
		return DNS_WIRE_BADRDATA;
	if (st == DNS_WIRE_OK && r->off != r->len)
		return DNS_WIRE_BADRDATA;
	return st;
}

/*
 * Read one resource record into *rr. *is_opt tells the caller to drop it:
 * an OPT pseudo-record in the additional section is transport metadata,
 * not data about a name.
 */
static enum dns_wire_status
rd_rr(struct wire_rd *r, enum dns_section sec, struct dns_rr *rr, bool *is_opt)
{
	enum dns_wire_status st;
	struct wire_rd rdata;
	uint16_t rdlen;
	char name[DNS_NAME_BUF];

	*is_opt = false;
	rr->section = sec;
	if ((st = rd_name(r, name, sizeof(name))) ||
	    (st = rd_u16(r, &rr->type)) ||
	    (st = rd_u16(r, &rr->rclass)) ||
	    (st = rd_u32(r, &rr->ttl)) ||
	    (st = rd_u16(r, &rdlen)))
		return st;
	if (r->len - r->off < rdlen)
		return DNS_WIRE_SHORT;
	if (sec == DNS_SEC_ADDITIONAL && rr->type == DNS_T_OPT) {
		*is_opt = true;
		r->off += rdlen;
		return DNS_WIRE_OK;
	}
	rr->name = xstrdup(name);
	/* Names inside the rdata may still point anywhere earlier. */
	rdata = *r;
	rdata.len = r->off + rdlen;
	if ((st = rd_rdata(&rdata, rr)) != DNS_WIRE_OK)
		return st;
	r->off += rdlen;
	return DNS_WIRE_OK;
}

const char *
dns_wire_strerror(enum dns_wire_status st)
{
	switch (st) {
	case DNS_WIRE_OK:
		return "ok";
	case DNS_WIRE_SHORT:
		return "message truncated inside a field";
	case DNS_WIRE_BADNAME:
		return "malformed domain name";
	case DNS_WIRE_BADRDATA:
		return "record data does not match its type";
	case DNS_WIRE_NOQUESTION:
		return "response does not carry exactly one question";
	case DNS_WIRE_NOTRESPONSE:
		return "message is not a response";
	}
	return "unknown wire status";
}

void
dns_msg_clear(struct dns_msg *msg)
{
	if (msg == NULL)
		return;
	for (size_t i = 0; i < msg->nrr; i++)
		dns_rr_clear(&msg->rr[i]);
	free(msg->rr);
	memset(msg, 0, sizeof(*msg));
}

/*
 * Records past DNS_RR_MAX are still parsed (into a scratch record) and
 * must be well formed: whether a message is valid does not depend on our
 * cap. Trailing bytes after the last record are ignored, as resolvers do.
 * The rr array grows by doubling as records are actually read, so the
 * header's counts never decide an allocation on their own.
 */
enum dns_wire_status
dns_msg_parse(const uint8_t *buf, size_t len, struct dns_msg *msg)
{
	struct wire_rd r = { buf, len, 0 };
	enum dns_wire_status st;
	struct dns_rr *scratch = NULL;
	size_t cap = 0;

	memset(msg, 0, sizeof(*msg));
	if (len > DNS_MSG_MAX)
		r.len = DNS_MSG_MAX;	/* nothing valid lives past 64k */
	if ((st = rd_u16(&r, &msg->id)) ||
	    (st = rd_u16(&r, &msg->flags)))
		goto fail;
	for (size_t i = 0; i < 4; i++)
		if ((st = rd_u16(&r, &msg->counts[i])))
			goto fail;
	msg->qr = msg->flags & 0x8000;
	msg->aa = msg->flags & 0x0400;
	msg->tc = msg->flags & 0x0200;
	msg->rd = msg->flags & 0x0100;
	msg->ra = msg->flags & 0x0080;
	msg->ad = msg->flags & 0x0020;
	msg->rcode = msg->flags & 0x000f;
	if (!msg->qr) {
		st = DNS_WIRE_NOTRESPONSE;
		goto fail;
	}
	if (msg->counts[0] != 1) {
		st = DNS_WIRE_NOQUESTION;
		goto fail;
	}
	if ((st = rd_name(&r, msg->qname, sizeof(msg->qname))) ||
	    (st = rd_u16(&r, &msg->qtype)) ||
	    (st = rd_u16(&r, &msg->qclass)))
		goto fail;

	for (int sec = DNS_SEC_ANSWER; sec <= DNS_SEC_ADDITIONAL; sec++) {
		for (unsigned i = 0; i < msg->counts[1 + sec]; i++) {
			struct dns_rr *rr;
			bool is_opt;

			/* A count the bytes cannot hold is a short message:
			 * say so before growing anything for it. */
			if (r.len - r.off < DNS_RR_MIN) {
				st = DNS_WIRE_SHORT;
				goto fail;
			}
			if (msg->nrr < DNS_RR_MAX) {
				if (msg->nrr == cap) {
					cap = cap ? cap * 2 : 4;
					if (cap > DNS_RR_MAX)
						cap = DNS_RR_MAX;
					msg->rr = xreallocarray(msg->rr, cap,
					    sizeof(*msg->rr));
				}
				rr = &msg->rr[msg->nrr];
			} else {
				if (scratch == NULL)
					scratch = xcalloc(1, sizeof(*scratch));
				rr = scratch;
			}
			if (rr == scratch)
				dns_rr_clear(rr);
			else
				memset(rr, 0, sizeof(*rr));
			st = rd_rr(&r, (enum dns_section)sec, rr, &is_opt);
			if (st != DNS_WIRE_OK) {
				dns_rr_clear(rr);	/* half read */
				goto fail;
			}
			if (is_opt) {
				dns_rr_clear(rr);
				continue;
			}
			if (rr == scratch)
				msg->truncated_rrs = true;
			else
				msg->nrr++;
		}
	}
	dns_rr_clear(scratch);
	free(scratch);
	if (msg->nrr == 0) {
		free(msg->rr);
		msg->rr = NULL;
	}
	return DNS_WIRE_OK;

fail:
	dns_rr_clear(scratch);
	free(scratch);
	dns_msg_clear(msg);
	return st;
}

bool
dns_outcome_is_temporary(enum dns_outcome o)
{
	switch (o) {
	case DNS_OUT_SERVFAIL:
	case DNS_OUT_REFUSED:
	case DNS_OUT_TIMEOUT:
	case DNS_OUT_OTHER:
		return true;
	case DNS_OUT_ANSWER:
	case DNS_OUT_NODATA:
	case DNS_OUT_NXDOMAIN:
	case DNS_OUT_FORMERR:
	case DNS_OUT_NOTIMP:
	case DNS_OUT_CHAINLOOP:
		return false;
	}
	/* An outcome we do not know must not become a permanent verdict. */
	return true;
}

const char *
dns_outcome_name(enum dns_outcome o)
{
	switch (o) {
	case DNS_OUT_ANSWER:
		return "answer";
	case DNS_OUT_NODATA:
		return "nodata";
	case DNS_OUT_NXDOMAIN:
		return "nxdomain";
	case DNS_OUT_SERVFAIL:
		return "servfail";
	case DNS_OUT_REFUSED:
		return "refused";
	case DNS_OUT_TIMEOUT:
		return "timeout";
	case DNS_OUT_FORMERR:
		return "formerr";
	case DNS_OUT_NOTIMP:
		return "notimp";
	case DNS_OUT_CHAINLOOP:
		return "chainloop";
	case DNS_OUT_OTHER:
		return "other";
	}
	return "other";
}

void
dns_str_set(char **field, const char *value)
{
	char *old = *field;

	/* Copy before freeing: value may point into the old string. */
	*field = value != NULL ? xstrdup(value) : NULL;
	free(old);
}

void
dns_rr_clear(struct dns_rr *rr)
{
	if (rr == NULL)
		return;
	free(rr->name);
	switch (rr->type) {
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
		free(rr->u.target);
		break;
	case DNS_T_MX:
		free(rr->u.mx.exchange);
		break;
	case DNS_T_SOA:
		free(rr->u.soa.mname);
		free(rr->u.soa.rname);
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		free(rr->u.txt.data);
		break;
	default:
		break;
	}
	memset(rr, 0, sizeof(*rr));
}

void
dns_rr_copy(struct dns_rr *dst, const struct dns_rr *src)
{
	if (dst == src)
		return;		/* the strings would be lost, not copied */
	*dst = *src;
	dst->name = src->name ? xstrdup(src->name) : NULL;
	switch (src->type) {
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
		dst->u.target = src->u.target ? xstrdup(src->u.target) : NULL;
		break;
	case DNS_T_MX:
		dst->u.mx.exchange = src->u.mx.exchange ?
		    xstrdup(src->u.mx.exchange) : NULL;
		break;
	case DNS_T_SOA:
		dst->u.soa.mname = src->u.soa.mname ?
		    xstrdup(src->u.soa.mname) : NULL;
		dst->u.soa.rname = src->u.soa.rname ?
		    xstrdup(src->u.soa.rname) : NULL;
		break;
	case DNS_T_TXT:
	case DNS_T_SPF:
		dst->u.txt.data = src->u.txt.data ?
		    xstrndup_bytes(src->u.txt.data, src->u.txt.len) : NULL;
		break;
	default:
		break;
	}
}

void
dns_rr_set_txt(struct dns_rr *rr, const char *data, size_t len)
{
	if (len > DNS_TXT_MAX)
		len = DNS_TXT_MAX;
	free(rr->u.txt.data);
	rr->u.txt.data = xstrndup_bytes(data, len);
	rr->u.txt.len = len;
	rr->u.txt.nstrings = 1;
	rr->u.txt.bounds[0] = (uint16_t)len;
}

void
dns_answer_init(struct dns_answer *ans, const char *qname, uint16_t qtype,
    enum dns_outcome outcome)
{
	memset(ans, 0, sizeof(*ans));
	ans->outcome = outcome;
	ans->rcode = -1;
	ans->qtype = qtype;
	ans->qname = xstrdup(qname != NULL ? qname : "");
}

void
dns_answer_copy(struct dns_answer *dst, const struct dns_answer *src)
{
	if (dst == src)
		return;
	memcpy(dst, src, sizeof(*dst));
	memset(&dst->chain, 0, sizeof(dst->chain));
	for (size_t i = 0; i < src->chain.n; i++)
		strvec_push(&dst->chain, src->chain.v[i]);
	dst->qname = src->qname ? xstrdup(src->qname) : NULL;
	dst->soa_zone = src->soa_zone ? xstrdup(src->soa_zone) : NULL;
	dst->soa.mname = src->soa.mname ? xstrdup(src->soa.mname) : NULL;
	dst->soa.rname = src->soa.rname ? xstrdup(src->soa.rname) : NULL;
	dst->rr = NULL;
	if (src->nrr > 0) {
		dst->rr = xcalloc(src->nrr, sizeof(*dst->rr));
		for (size_t i = 0; i < src->nrr; i++)
			dns_rr_copy(&dst->rr[i], &src->rr[i]);
	}
}

/* A bump allocator over one block sized beforehand by the same walk. */
struct flat {
	char	*p;		/* NULL: only count */
	size_t	 n;
};

static char *
flat_str(struct flat *f, const char *s)
{
	size_t len;
	char *d;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	d = f->p != NULL ? f->p + f->n : NULL;
	if (d != NULL)
		memcpy(d, s, len);
	f->n += len;
	return d;
}

static char *
flat_bytes(struct flat *f, const char *s, size_t len)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = f->p != NULL ? f->p + f->n : NULL;
	if (d != NULL) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	f->n += len + 1;
	return d;
}

/* Lay src's strings out in f, pointing dst's at them (dst is written
 * only when f->p is set). */
static void
flat_strings(struct flat *f, struct dns_answer *dst,
    const struct dns_answer *src)
{
	struct dns_answer scratch;

	if (f->p == NULL)
		dst = &scratch;
	dst->qname = flat_str(f, src->qname);
	dst->soa_zone = flat_str(f, src->soa_zone);
	dst->soa.mname = flat_str(f, src->soa.mname);
	dst->soa.rname = flat_str(f, src->soa.rname);
	for (size_t i = 0; i < src->chain.n; i++) {
		char *c = flat_str(f, src->chain.v[i]);

		if (f->p != NULL)
			dst->chain.v[i] = c;
	}
	for (size_t i = 0; i < src->nrr; i++) {
		const struct dns_rr *r = &src->rr[i];
		struct dns_rr tmp, *d = f->p != NULL ? &dst->rr[i] : &tmp;

		d->name = flat_str(f, r->name);
		switch (r->type) {
		case DNS_T_CNAME:
		case DNS_T_PTR:
		case DNS_T_NS:
			d->u.target = flat_str(f, r->u.target);
			break;
		case DNS_T_MX:
			d->u.mx.exchange = flat_str(f, r->u.mx.exchange);
			break;
		case DNS_T_SOA:
			d->u.soa.mname = flat_str(f, r->u.soa.mname);
			d->u.soa.rname = flat_str(f, r->u.soa.rname);
			break;
		case DNS_T_TXT:
		case DNS_T_SPF:
			d->u.txt.data = flat_bytes(f, r->u.txt.data,
			    r->u.txt.len);
			break;
		default:
			break;
		}
	}
}

struct dns_answer *
dns_answer_dup_flat(const struct dns_answer *src)
{
	/* Pointer-aligned parts first (the struct, the records, the
	 * chain's array), then the strings. */
	size_t head = sizeof(struct dns_answer) +
	    src->nrr * sizeof(struct dns_rr) + src->chain.n * sizeof(char *);
	struct flat f = { NULL, head };
	struct dns_answer *dst;

	flat_strings(&f, NULL, src);
	/* malloc, not calloc: every byte is written below, and glibc's
	 * calloc skips the thread cache. */
	dst = xreallocarray(NULL, 1, f.n);
	memcpy(dst, src, sizeof(*dst));
	dst->rr = NULL;
	if (src->nrr > 0) {
		dst->rr = (struct dns_rr *)(void *)(dst + 1);
		memcpy(dst->rr, src->rr, src->nrr * sizeof(*dst->rr));
	}
	dst->chain.v = NULL;
	dst->chain.n = dst->chain.cap = src->chain.n;
	if (src->chain.n > 0)
		dst->chain.v = (char **)(void *)((char *)(dst + 1) +
		    src->nrr * sizeof(struct dns_rr));
	f.p = (char *)dst;
	f.n = head;
	flat_strings(&f, dst, src);
	return dst;
}

void
dns_answer_clear(struct dns_answer *ans)
{
	if (ans == NULL)
		return;
	strvec_clear(&ans->chain);
	for (size_t i = 0; i < ans->nrr; i++)
		dns_rr_clear(&ans->rr[i]);
	free(ans->rr);
	free(ans->qname);
	free(ans->soa_zone);
	free(ans->soa.mname);
	free(ans->soa.rname);
	memset(ans, 0, sizeof(*ans));
}

const char *
dns_answer_final_name(const struct dns_answer *ans)
{
	if (ans->chain.n > 0)
		return ans->chain.v[ans->chain.n - 1];
	return ans->qname;
}

/*
 * Whether two records of the same type carry the same data. Names compare
 * case-insensitively, as DNS does. TXT compares its string count and the
 * concatenated text (what SPF, DMARC and DKIM read), not each boundary.
 * For types whose rdata we do not keep we cannot tell, so they never count
 * as duplicates.
 */
static bool
rr_same_rdata(const struct dns_rr *a, const struct dns_rr *b)
{
	const struct dns_soa *sa = &a->u.soa, *sb = &b->u.soa;

	if (a->type != b->type || a->rclass != b->rclass)
		return false;
	switch (a->type) {
	case DNS_T_A:
		return a->rclass == DNS_C_IN &&
		    memcmp(&a->u.a, &b->u.a, sizeof(a->u.a)) == 0;
	case DNS_T_AAAA:
		return a->rclass == DNS_C_IN &&
		    memcmp(&a->u.aaaa, &b->u.aaaa, sizeof(a->u.aaaa)) == 0;
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
		return util_name_eq(a->u.target, b->u.target);
	case DNS_T_MX:
		return a->u.mx.pref == b->u.mx.pref &&
		    util_name_eq(a->u.mx.exchange, b->u.mx.exchange);
	case DNS_T_SOA:
		return util_name_eq(sa->mname, sb->mname) &&
		    util_name_eq(sa->rname, sb->rname) &&
		    sa->serial == sb->serial && sa->refresh == sb->refresh &&
		    sa->retry == sb->retry && sa->expire == sb->expire &&
		    sa->minimum == sb->minimum;
	case DNS_T_TXT:
		return a->u.txt.nstrings == b->u.txt.nstrings &&
		    a->u.txt.len == b->u.txt.len &&
		    memcmp(a->u.txt.data, b->u.txt.data, a->u.txt.len) == 0;
	default:
		return false;
	}
}

/* The answer-section record of type and class owned by name, first one
 * after index from, or NULL. */
static const struct dns_rr *
msg_find(const struct dns_msg *msg, size_t *from, const char *name,
    uint16_t type)
{
	for (size_t i = *from; i < msg->nrr; i++) {
		const struct dns_rr *rr = &msg->rr[i];

		if (rr->section == DNS_SEC_ANSWER && rr->type == type &&
		    rr->rclass == msg->qclass && util_name_eq(rr->name, name)) {
			*from = i + 1;
			return rr;
		}
	}
	*from = msg->nrr;
	return NULL;
}

/*
 * Follow CNAMEs from qname through the answer section. Returns false on a
 * loop or a chain longer than DNS_CHAIN_MAX; the hops seen so far stay in
 * ans->chain either way, since they help explain the failure.
 */
static bool
answer_follow_chain(const struct dns_msg *msg, struct dns_answer *ans)
{
	const char *cur = ans->qname;
	const struct dns_rr *cn;
	size_t from;

	/* Asking for the CNAME itself: the record is the answer. */
	if (ans->qtype == DNS_T_CNAME)
		return true;
	for (;;) {
		from = 0;
		if ((cn = msg_find(msg, &from, cur, DNS_T_CNAME)) == NULL)
			return true;
		if (ans->chain.n == DNS_CHAIN_MAX ||
		    util_name_eq(cn->u.target, ans->qname) ||
		    strvec_contains_name(&ans->chain, cn->u.target))
			return false;
		ans->chain_ttl[ans->chain.n] = cn->ttl;
		strvec_push(&ans->chain, cn->u.target);
		cur = ans->chain.v[ans->chain.n - 1];
	}
}

/* Keep the distinct records of qtype owned by the end of the chain. */
static void
answer_collect(const struct dns_msg *msg, struct dns_answer *ans)
{
	const char *owner = dns_answer_final_name(ans);
	const struct dns_rr *rr;
	size_t from = 0, n = 0;

	while (n < DNS_ANS_MAX && msg_find(msg, &from, owner, ans->qtype))
		n++;
	if (n == 0)
		return;
	ans->rr = xcalloc(n, sizeof(*ans->rr));
	from = 0;
	while ((rr = msg_find(msg, &from, owner, ans->qtype)) != NULL) {
		bool dup = false;

		for (size_t i = 0; i < ans->nrr && !dup; i++)
			dup = rr_same_rdata(&ans->rr[i], rr);
		if (dup)
			continue;
		if (ans->nrr == n) {
			ans->rr_truncated = true;
			break;
		}
		dns_rr_copy(&ans->rr[ans->nrr++], rr);
	}
}

/* The first SOA of the authority section, whoever owns it: RFC 2308
 * servers put exactly one there, for the zone that denies the name. */
static void
answer_find_soa(const struct dns_msg *msg, struct dns_answer *ans)
{
	for (size_t i = 0; i < msg->nrr; i++) {
		const struct dns_rr *rr = &msg->rr[i];

		if (rr->section == DNS_SEC_AUTHORITY && rr->type == DNS_T_SOA) {
			ans->has_soa = true;
			dns_str_set(&ans->soa_zone, rr->name);
			ans->soa_ttl = rr->ttl;
			ans->soa = rr->u.soa;
			ans->soa.mname = xstrdup(rr->u.soa.mname);
			ans->soa.rname = xstrdup(rr->u.soa.rname);
			return;
		}
	}
}

void
dns_answer_from_msg(const struct dns_msg *msg, const char *qname,
    uint16_t qtype, struct dns_answer *ans)
{
	dns_answer_init(ans, qname, qtype, DNS_OUT_FORMERR);
	ans->rcode = msg->rcode;
	ans->ad = msg->ad;
	ans->aa = msg->aa;
	/* An answer to another question says nothing about ours. */
	if (!util_name_eq(msg->qname, ans->qname) || msg->qtype != qtype)
		return;

	switch (msg->rcode) {
	case 0:
	case 3:
		break;
	case 1:
		ans->outcome = DNS_OUT_FORMERR;
		return;
	case 2:
		ans->outcome = DNS_OUT_SERVFAIL;
		return;
	case 4:
		ans->outcome = DNS_OUT_NOTIMP;
		return;
	case 5:
		ans->outcome = DNS_OUT_REFUSED;
		return;
	default:
		ans->outcome = DNS_OUT_OTHER;
		return;
	}

	if (!answer_follow_chain(msg, ans)) {
		ans->outcome = DNS_OUT_CHAINLOOP;
		return;
	}
	/* RFC 6604: NXDOMAIN speaks of the last name of the chain. */
	if (msg->rcode == 3) {
		ans->outcome = DNS_OUT_NXDOMAIN;
	} else {
		answer_collect(msg, ans);
		ans->outcome = ans->nrr ? DNS_OUT_ANSWER : DNS_OUT_NODATA;
	}
	if (ans->outcome != DNS_OUT_ANSWER)
		answer_find_soa(msg, ans);
}

bool
dns_reverse_name(int af, const void *addr, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	static const char v6suffix[] = "ip6.arpa";
	const uint8_t *b = addr;
	char v4[sizeof("255.255.255.255.in-addr.arpa")];
	size_t o = 0;

	if (outlen > 0)
		out[0] = '\0';
	switch (af) {
	case AF_INET:
		/* Through a buffer that always fits, so a short out is a
		 * plain false rather than a truncated name. */
		for (int i = 3; i >= 0; i--) {
			o += util_put_u8(v4 + o, b[i]);
			v4[o++] = '.';
		}
		memcpy(v4 + o, "in-addr.arpa", sizeof("in-addr.arpa"));
		o += sizeof("in-addr.arpa") - 1;
		if (o >= outlen)
			return false;
		memcpy(out, v4, o + 1);
		return true;
	case AF_INET6:
		/* 16 bytes, two "x." nibbles each, then the suffix. */
		if (outlen < 16 * 4 + sizeof(v6suffix))
			return false;
		for (int i = 15; i >= 0; i--) {
			out[o++] = hex[b[i] & 15];
			out[o++] = '.';
			out[o++] = hex[b[i] >> 4];
			out[o++] = '.';
		}
		memcpy(out + o, v6suffix, sizeof(v6suffix));
		return true;
	default:
		return false;
	}
}

/*
 * Encode a presentation-form name into wire labels at out (outlen bytes),
 * honouring \X and \DDD escapes. Returns the wire length, or 0 when the
 * name is malformed or too long (label > 63, name > 255, empty label).
 */
static size_t
name_encode(const char *name, uint8_t *out, size_t outlen)
{
	size_t o = 0, lab = 0;
	const char *p = name;

	if (outlen < 1)
		return 0;
	if (strcmp(name, ".") == 0 || name[0] == '\0') {
		out[0] = 0;
		return 1;
	}
	out[o++] = 0;		/* length byte of the first label */
	while (*p != '\0') {
		unsigned c = (unsigned char)*p++;

		if (c == '.') {
			if (o - lab - 1 == 0)
				return 0;	/* empty label */
			out[lab] = (uint8_t)(o - lab - 1);
			if (*p == '\0')
				break;		/* trailing dot */
			if (o >= outlen)
				return 0;
			lab = o;
			out[o++] = 0;
			continue;
		}
		if (c == '\\') {
			if (p[0] >= '0' && p[0] <= '9') {
				if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
				    p[2] <= '9'))
					return 0;
				c = (unsigned)((p[0] - '0') * 100 +
				    (p[1] - '0') * 10 + (p[2] - '0'));
				if (c > 255)
					return 0;
				p += 3;
			} else if (*p != '\0') {
				c = (unsigned char)*p++;
			} else {
				return 0;
			}
		}
		if (o >= outlen || o - lab - 1 >= 63)
			return 0;
		out[o++] = (uint8_t)c;
	}
	if (out[lab] == 0) {
		if (o - lab - 1 == 0)
			return 0;
		out[lab] = (uint8_t)(o - lab - 1);
	}
	if (o >= outlen || o + 1 > 255)
		return 0;
	out[o++] = 0;		/* the root label */
	return o;
}

size_t
dns_query_encode(const char *name, uint16_t qtype, uint16_t id,
    uint16_t edns_size, uint8_t *buf, size_t buflen)
{
	size_t o = 12, n;

	if (buflen < 12 + 4 + 11)
		return 0;
	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01;		/* RD */
	buf[3] = 0x20;		/* AD: RFC 6840 §5.7, ask for it */
	buf[5] = 1;		/* QDCOUNT */
	n = name_encode(name, buf + o, buflen - o - 4 - 11);
	if (n == 0)
		return 0;
	o += n;
	buf[o++] = (uint8_t)(qtype >> 8);
	buf[o++] = (uint8_t)qtype;
	buf[o++] = 0;
	buf[o++] = DNS_C_IN;
	if (edns_size > 0) {
		buf[11] = 1;	/* ARCOUNT: one OPT record (RFC 6891) */
		buf[o++] = 0;	/* root owner */
		buf[o++] = 0;
		buf[o++] = 41;	/* OPT */
		buf[o++] = (uint8_t)(edns_size >> 8);
		buf[o++] = (uint8_t)edns_size;
		buf[o++] = 0;	/* extended rcode, version */
		buf[o++] = 0;
		buf[o++] = 0;	/* flags: DO clear */
		buf[o++] = 0;
		buf[o++] = 0;	/* rdlength */
		buf[o++] = 0;
	}
	return o;
}

bool
dns_rr_address(const struct dns_rr *rr, char *out, size_t outlen)
{
	if (rr->type == DNS_T_A)
		return util_ntop(AF_INET, &rr->u.a, out, outlen) != NULL;
	if (rr->type == DNS_T_AAAA)
		return inet_ntop(AF_INET6, &rr->u.aaaa, out,
		    (socklen_t)outlen) != NULL;
	return false;
}

void
dns_answer_address_list(const struct dns_answer *ans, char *out,
    size_t outlen)
{
	size_t off = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < ans->nrr && off < outlen; i++) {
		char a[INET6_ADDRSTRLEN];

		if (!dns_rr_address(&ans->rr[i], a, sizeof(a)))
			continue;
		off += (size_t)snprintf(out + off, outlen - off, "%s%s",
		    off ? ", " : "", a);
	}
	if (off >= outlen && outlen > 4)
		strcpy(out + outlen - 4, "...");
}

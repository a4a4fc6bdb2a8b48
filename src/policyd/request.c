/* SPDX-License-Identifier: MIT */
/*
 * The Postfix policy request parser: finds whole lines with memchr, checks
 * each against the caps before looking inside it, and copies the values of
 * the attributes mxdiag knows into the request's own buffer. A partial line
 * is never copied: it stays with the caller until its "\n" arrives, so the
 * only state between calls is the request itself.
 */
#include "policyd/request.h"

#include <string.h>

const char *
policy_status_str(enum policy_status st)
{
	switch (st) {
	case POLICY_MORE:
		return "incomplete request";
	case POLICY_DONE:
		return "complete request";
	case POLICY_ERR_SYNTAX:
		return "line without '=' or with an empty name";
	case POLICY_ERR_NUL:
		return "NUL byte in a line";
	case POLICY_ERR_LINE:
		return "line too long";
	case POLICY_ERR_ATTRS:
		return "too many attributes";
	case POLICY_ERR_SIZE:
		return "request too large";
	case POLICY_ERR_DUP:
		return "attribute given twice";
	}
	return "unknown status";
}

void
policy_request_reset(struct policy_request *rq)
{
	rq->request = rq->protocol_state = rq->protocol_name = NULL;
	rq->client_address = rq->client_name = rq->reverse_client_name = NULL;
	rq->helo_name = rq->sender = rq->recipient = rq->sasl_username = NULL;
	rq->instance = rq->queue_id = rq->server_address = NULL;
	rq->nattrs = rq->bytes = rq->used = 0;
}

/* The slot of a known attribute name, or NULL for one mxdiag ignores. A
 * switch on the first byte leaves at most three candidates, each checked by
 * length before memcmp; a request has ~35 lines, most of them unknown. */
static const char **
request_slot(struct policy_request *rq, const char *name, size_t len)
{
#define IS(lit)	(len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	switch (name[0]) {
	case 'c':
		if (IS("client_address"))
			return &rq->client_address;
		if (IS("client_name"))
			return &rq->client_name;
		break;
	case 'h':
		if (IS("helo_name"))
			return &rq->helo_name;
		break;
	case 'i':
		if (IS("instance"))
			return &rq->instance;
		break;
	case 'p':
		if (IS("protocol_state"))
			return &rq->protocol_state;
		if (IS("protocol_name"))
			return &rq->protocol_name;
		break;
	case 'q':
		if (IS("queue_id"))
			return &rq->queue_id;
		break;
	case 'r':
		if (IS("request"))
			return &rq->request;
		if (IS("recipient"))
			return &rq->recipient;
		if (IS("reverse_client_name"))
			return &rq->reverse_client_name;
		break;
	case 's':
		if (IS("sender"))
			return &rq->sender;
		if (IS("sasl_username"))
			return &rq->sasl_username;
		if (IS("server_address"))
			return &rq->server_address;
		break;
	}
	return NULL;
#undef IS
}

/* One complete line (len bytes, its "\r" already stripped, not empty). */
static enum policy_status
request_line(struct policy_request *rq, const char *line, size_t len)
{
	const char *eq, **slot;
	size_t vlen;

	if (memchr(line, '\0', len) != NULL)
		return POLICY_ERR_NUL;
	if ((eq = memchr(line, '=', len)) == NULL || eq == line)
		return POLICY_ERR_SYNTAX;
	if (rq->nattrs == POLICY_ATTRS_MAX)
		return POLICY_ERR_ATTRS;
	rq->nattrs++;
	if ((slot = request_slot(rq, line, (size_t)(eq - line))) == NULL)
		return POLICY_MORE;
	if (*slot != NULL)
		return POLICY_ERR_DUP;
	/* A value is shorter than its line, and buf is as large as a whole
	 * request, so this cannot fail while the size cap holds. */
	vlen = len - (size_t)(eq - line) - 1;
	if (vlen >= sizeof(rq->buf) - rq->used)
		return POLICY_ERR_SIZE;
	memcpy(rq->buf + rq->used, eq + 1, vlen);
	rq->buf[rq->used + vlen] = '\0';
	*slot = rq->buf + rq->used;
	rq->used += vlen + 1;
	return POLICY_MORE;
}

enum policy_status
policy_request_feed(struct policy_request *rq, const char *data, size_t len,
    size_t *consumed)
{
	enum policy_status st;
	size_t off = 0;

	*consumed = 0;
	while (off < len) {
		const char *line = data + off, *nl;
		size_t avail = len - off, look, raw, n;

		/* Look no further than one byte past the longest line: the
		 * verdict on a line that long needs nothing beyond it. */
		look = avail < POLICY_LINE_MAX + 1 ? avail : POLICY_LINE_MAX + 1;
		if ((nl = memchr(line, '\n', look)) == NULL) {
			/* Size first, as for a complete line: the request
			 * already holds more than it may, whatever follows. */
			if (rq->bytes + look > POLICY_REQUEST_MAX)
				return POLICY_ERR_SIZE;
			if (look > POLICY_LINE_MAX)
				return POLICY_ERR_LINE;
			return POLICY_MORE;
		}
		raw = (size_t)(nl - line);
		if (rq->bytes + raw + 1 > POLICY_REQUEST_MAX)
			return POLICY_ERR_SIZE;
		n = raw > 0 && line[raw - 1] == '\r' ? raw - 1 : raw;
		if (n > 0 && (st = request_line(rq, line, n)) != POLICY_MORE)
			return st;
		rq->bytes += raw + 1;
		off += raw + 1;
		*consumed = off;
		if (n == 0)
			return POLICY_DONE;
	}
	return POLICY_MORE;
}

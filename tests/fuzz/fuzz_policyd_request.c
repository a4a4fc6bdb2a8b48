/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the Postfix policy request parser. The input is a
 * connection's byte stream, fed once at once and once in reads whose sizes
 * come from its first four bytes (which are fed too, so a request file is
 * a valid input as it stands); both must give the same requests and the
 * same final status. Broken invariants crash: consumed within what was
 * given, values inside buf and found in the request's own lines, counts
 * within their caps.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policyd/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NKNOWN	13

static void
known(const struct policy_request *rq, const char *v[NKNOWN])
{
	v[0] = rq->request;
	v[1] = rq->protocol_state;
	v[2] = rq->protocol_name;
	v[3] = rq->client_address;
	v[4] = rq->client_name;
	v[5] = rq->reverse_client_name;
	v[6] = rq->helo_name;
	v[7] = rq->sender;
	v[8] = rq->recipient;
	v[9] = rq->sasl_username;
	v[10] = rq->instance;
	v[11] = rq->queue_id;
	v[12] = rq->server_address;
}

static const char *const names[NKNOWN] = {
	"request", "protocol_state", "protocol_name", "client_address",
	"client_name", "reverse_client_name", "helo_name", "sender",
	"recipient", "sasl_username", "instance", "queue_id", "server_address",
};

/* What holds after every call, whatever it returned. */
static void
check_request(const struct policy_request *rq)
{
	const char *v[NKNOWN];

	if (rq->nattrs > POLICY_ATTRS_MAX || rq->bytes > POLICY_REQUEST_MAX ||
	    rq->used > rq->bytes || rq->used > sizeof(rq->buf))
		abort();
	known(rq, v);
	for (int i = 0; i < NKNOWN; i++) {
		if (v[i] == NULL)
			continue;
		if (v[i] < rq->buf || v[i] >= rq->buf + rq->used ||
		    memchr(v[i], '\0', (size_t)(rq->buf + rq->used - v[i])) ==
		    NULL || strchr(v[i], '\n') != NULL)
			abort();
	}
}

/* A value must be exactly what one line of the request said: "name=value"
 * at a line's start, then "\n" or "\r\n". */
static void
check_in_request(const char *req, size_t len, const char *name,
    const char *value)
{
	static char want[POLICY_LINE_MAX + 2];
	size_t n = strlen(name), vlen = strlen(value), wlen = n + 1 + vlen;
	const char *p = req, *end = req + len;

	if (wlen > POLICY_LINE_MAX)
		abort();
	memcpy(want, name, n);
	want[n] = '=';
	memcpy(want + n + 1, value, vlen);
	while ((p = memmem(p, (size_t)(end - p), want, wlen)) != NULL) {
		const char *q = p + wlen;

		if ((p == req || p[-1] == '\n') && ((q < end && *q == '\n') ||
		    (end - q >= 2 && q[0] == '\r' && q[1] == '\n')))
			return;
		p++;
	}
	abort();
}

/* FNV-1a over what a run saw, to compare two runs. */
static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * Feed data[0..size) as a server would, keeping the unconsumed bytes for
 * the next read, until an error (the server hangs up) or the end. Reads are
 * size bytes at once when whole, else sized by the first four bytes.
 */
static uint64_t
run(struct policy_request *rq, const uint8_t *data, size_t size, bool whole)
{
	const char *in = (const char *)data, *v[NKNOWN];
	size_t pos = 0, start = 0, end = 0, reads = 0, c;
	size_t k = size < 4 ? size : 4;
	uint64_t h = 0xcbf29ce484222325ULL;
	enum policy_status st;

	policy_request_reset(rq);
	for (;;) {
		st = policy_request_feed(rq, in + pos, end - pos, &c);
		if (c > end - pos || policy_status_str(st) == NULL)
			abort();
		check_request(rq);
		pos += c;
		if (st == POLICY_DONE) {
			if (c == 0 || rq->bytes != pos - start)
				abort();
			known(rq, v);
			h = mix(h, &rq->nattrs, sizeof(rq->nattrs));
			h = mix(h, &rq->bytes, sizeof(rq->bytes));
			for (int i = 0; i < NKNOWN; i++) {
				if (v[i] == NULL) {
					h = mix(h, "-", 1);
					continue;
				}
				check_in_request(in + start, pos - start,
				    names[i], v[i]);
				h = mix(h, v[i], strlen(v[i]) + 1);
			}
			policy_request_reset(rq);
			start = pos;
			continue;
		}
		if (st != POLICY_MORE)
			break;
		/* Every complete line was taken; the rest is a line that
		 * can still fit. */
		if (memchr(in + pos, '\n', end - pos) != NULL ||
		    end - pos > POLICY_LINE_MAX ||
		    rq->bytes + (end - pos) > POLICY_REQUEST_MAX ||
		    rq->bytes != pos - start)
			abort();
		if (end == size)
			break;
		if (whole) {
			end = size;
		} else {
			uint8_t b = data[reads++ % k];
			size_t n = (b & 0x80) ? ((size_t)(b & 0x7f) + 1) * 64 :
			    (size_t)(b % 64) + 1;

			end += n < size - end ? n : size - end;
		}
	}
	h = mix(h, &st, sizeof(st));
	return mix(h, &pos, sizeof(pos));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Static: two requests are 33 KB, too much for a fuzzer's stack
	 * frame to carry comfortably. */
	static struct policy_request a, b;

	if (run(&a, data, size, true) != run(&b, data, size, false))
		abort();
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * One request of the Postfix policy delegation protocol (SMTPD_POLICY_README):
 * "name=value" lines, each ended by "\n", then an empty line. The parser is
 * incremental and allocation-free: the caller hands it the bytes it has,
 * keeps what was not consumed for the next call, and reads the attributes
 * mxdiag uses out of the struct, which is also their storage.
 */
#ifndef MXDIAG_POLICYD_REQUEST_H
#define MXDIAG_POLICYD_REQUEST_H

#include <stddef.h>

/*
 * Caps on what a peer may send. A line's bytes are those before its "\n",
 * so the "\r" of a CRLF counts toward POLICY_LINE_MAX.
 */
#define POLICY_LINE_MAX		2048	/* bytes of one line, without its "\n" */
#define POLICY_ATTRS_MAX	128	/* attribute lines per request */
#define POLICY_REQUEST_MAX	16384	/* bytes per request, all lines with
					 * their newlines */

enum policy_status {
	POLICY_MORE = 0,	/* consumed everything complete; need more
				 * bytes */
	POLICY_DONE,		/* a whole request was parsed (the empty line
				 * consumed) */
	POLICY_ERR_SYNTAX,	/* a line without '=' or with an empty name */
	POLICY_ERR_NUL,		/* a NUL byte in a line */
	POLICY_ERR_LINE,	/* a line longer than POLICY_LINE_MAX (also
				 * when no "\n" is found within
				 * POLICY_LINE_MAX+1 bytes) */
	POLICY_ERR_ATTRS,	/* more than POLICY_ATTRS_MAX attributes */
	POLICY_ERR_SIZE,	/* request larger than POLICY_REQUEST_MAX */
	POLICY_ERR_DUP,		/* a known attribute given twice (ambiguous:
				 * refuse) */
};

/* Static English text for logs, e.g. "line without '='". Never NULL. */
const char *policy_status_str(enum policy_status st);

struct policy_request {
	/*
	 * The attributes mxdiag uses; each NULL when absent, else a
	 * NUL-terminated value stored in buf (never truncated; "" for an
	 * empty value such as the null sender).
	 */
	const char	*request, *protocol_state, *protocol_name,
			*client_address, *client_name, *reverse_client_name,
			*helo_name, *sender, *recipient, *sasl_username,
			*instance, *queue_id, *server_address;
	size_t		 nattrs;	/* attribute lines so far, known or
					 * not */
	size_t		 bytes;		/* bytes of the request consumed so
					 * far */
	size_t		 used;		/* bytes used in buf */
	char		 buf[POLICY_REQUEST_MAX];	/* values of known
					 * attributes, NUL-terminated, back
					 * to back */
};

/* Make rq ready for the next request: before the first feed, and after
 * POLICY_DONE once the caller is through with the values. O(1): buf is not
 * cleared. */
void policy_request_reset(struct policy_request *rq);

/*
 * Parse the complete lines in data[0..len). *consumed gets the bytes used:
 * whole lines only, stopping right after the empty line on POLICY_DONE so
 * the next request's bytes stay for the next call. Incremental: after
 * POLICY_MORE, call again with the unconsumed rest followed by new bytes.
 *
 * Returns POLICY_MORE, POLICY_DONE, or an error; on an error *consumed
 * counts the good lines before the bad one, and the request is unusable
 * (the caller drops the connection). A pending partial line already longer
 * than POLICY_LINE_MAX, or one that takes the request over
 * POLICY_REQUEST_MAX, fails at once. The result does not depend on how the
 * bytes were split between calls. Reads nothing outside data[0..len);
 * values point into rq->buf and live until the next reset.
 */
enum policy_status policy_request_feed(struct policy_request *rq,
    const char *data, size_t len, size_t *consumed);

#endif

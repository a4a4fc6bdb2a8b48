/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag policyd`: a Postfix policy server (SMTPD_POLICY_README) that
 * judges the connecting client the way a receiving server should: PTR,
 * forward confirmation (RFC 8601 iprev), the HELO name against both, and
 * generic PTR names. Three layers:
 *
 *   check.c   the lookups for one client (PTR, the PTR names' A/AAAA, the
 *             HELO name's A/AAAA) through a struct dns_lookup, which is
 *             the TTL-honouring cache in front of the resolver;
 *   judge.c   pure: facts -> verdict -> the action Postfix gets, the
 *             Authentication-Results header, the reply text;
 *   server.c  listeners, connections, the protocol, logs and counters.
 *
 * Safety rules that every path keeps: a temporary DNS failure never gives
 * a permanent rejection; a HELO name never rejects by itself (RFC 5321
 * §4.1.4); rejecting on PTR is off unless the mode is enforce.
 */
#ifndef MXDIAG_POLICYD_POLICYD_H
#define MXDIAG_POLICYD_POLICYD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/generic.h"
#include "check/identity.h"
#include "dns/lookup.h"
#include "dns/wire.h"

/* PTR names whose addresses are looked up (as for mxdiag check). */
#define PD_NAMES_MAX		IDENTITY_PTR_MAX
#define PD_EXEMPT_MAX		64
#define PD_LISTEN_MAX		8
/* The text after "action=": Postfix reads reply lines up to 4096 bytes
 * and a prepended header should stay under the 998 of RFC 5322. */
#define PD_ACTION_MAX		960

enum pd_mode {
	PD_MODE_OBSERVE,	/* headers and logs only */
	PD_MODE_ENFORCE,	/* reject what --require names */
};

enum pd_require {
	PD_REQUIRE_PTR,		/* a PTR record (reject_unknown_reverse_client_hostname) */
	PD_REQUIRE_IPREV,	/* forward-confirmed (reject_unknown_client_hostname) */
};

enum pd_tempfail {
	PD_TEMPFAIL_DEFER,	/* DEFER_IF_PERMIT */
	PD_TEMPFAIL_DUNNO,
};

struct pd_net {
	int		af;
	uint8_t		addr[16];
	unsigned	prefix;
};

/* "192.0.2.0/24", "2001:db8::/32", or an address (a /32 or /128). Returns
 * 0, or -1 with a message in err. */
int pd_net_parse(const char *s, struct pd_net *n, char *err, size_t errlen);
bool pd_net_contains(const struct pd_net *n, int af, const void *addr);

struct pd_config {
	enum pd_mode		mode;
	enum pd_require		require;
	int			reject_code;	/* 450 or 550 */
	enum pd_tempfail	tempfail;
	char			authserv_id[256];
	struct pd_net		exempt[PD_EXEMPT_MAX];
	size_t			nexempt;
	bool			exempt_sasl;	/* authenticated clients */
};

void pd_config_init(struct pd_config *cfg);

/* ---- HELO syntax ---- */

enum pd_helo_form {
	PD_HELO_NONE,		/* not given (yet) */
	PD_HELO_NAME,		/* a syntactically valid FQDN */
	PD_HELO_LITERAL,	/* [192.0.2.1], [IPv6:2001:db8::1] */
	PD_HELO_BARE_IP,	/* an address without brackets */
	PD_HELO_LOCALHOST,	/* localhost, localhost.localdomain, ... */
	PD_HELO_NOT_FQDN,	/* one label */
	PD_HELO_INVALID,	/* anything else */
};
/* "none", "fqdn", "literal", "bare-ip", "localhost", "not-fqdn",
 * "invalid". */
const char *pd_helo_form_name(enum pd_helo_form form);
/* Classify helo (NULL or "" is none). For a literal, *literal_matches
 * says whether it is the client's address (af, addr). */
enum pd_helo_form pd_helo_classify(const char *helo, int af,
    const void *addr, bool *literal_matches);

/* ---- facts ---- */

struct pd_facts {
	int			 af;
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;
	char			 address[INET6_ADDRSTRLEN];

	enum dns_outcome	 ptr_outcome;
	size_t			 nptr;
	bool			 ptr_truncated;	/* more names than PD_NAMES_MAX */
	char			*ptr[PD_NAMES_MAX];		/* owned */
	enum dns_outcome	 fwd_outcome[PD_NAMES_MAX];
	bool			 fwd_confirms[PD_NAMES_MAX];
	/* The first address each name has, for reply texts ("" if none). */
	char			 fwd_first[PD_NAMES_MAX][INET6_ADDRSTRLEN];

	char			*helo;		/* owned; "" when none */
	enum pd_helo_form	 helo_form;
	bool			 helo_literal_matches;
	bool			 helo_looked_up;
	enum dns_outcome	 helo_outcome;
	bool			 helo_confirms;	/* resolves to the client */
};

void pd_facts_clear(struct pd_facts *f);

/* Called once when every lookup is done; facts are borrowed. */
typedef void pd_check_cb(struct pd_facts *f, void *arg);

/* Look up everything about client (af, addr) with HELO helo (may be NULL).
 * The callback never runs from inside this call. */
void pd_check_start(struct dns_lookup *lk, int af, const void *addr,
    const char *helo, pd_check_cb *cb, void *arg);

/* ---- verdict and decision (pure) ---- */

enum pd_helo_ptr {
	PD_HELO_PTR_NA,		/* no HELO name or no PTR name to compare */
	PD_HELO_PTR_MATCH,	/* the HELO is one of the PTR names */
	PD_HELO_PTR_MISMATCH,
};

struct pd_verdict {
	enum iprev_result	 iprev;
	/* The confirming PTR name, else the first one; NULL when none.
	 * Borrowed from the facts. */
	const char		*ptr_name;
	enum generic_kind	 generic;	/* of ptr_name */
	enum pd_helo_ptr	 helo_ptr;
	/* Why iprev is not pass, short ("no PTR record"); "" on pass. */
	char			 reason[256];
	/* The HELO observation, one phrase: "mail.example.test: matches
	 * PTR, resolves to client". */
	char			 helo_note[256];
};

void pd_judge(const struct pd_facts *f, struct pd_verdict *v);

enum pd_action_kind {
	PD_ACT_PREPEND,
	PD_ACT_REJECT,
	PD_ACT_DEFER,		/* DEFER_IF_PERMIT */
	PD_ACT_DUNNO,
};
const char *pd_action_kind_name(enum pd_action_kind k);

struct pd_decision {
	enum pd_action_kind	kind;
	char			action[PD_ACTION_MAX];	/* after "action=" */
};

void pd_decide(const struct pd_config *cfg, const struct pd_facts *f,
    const struct pd_verdict *v, struct pd_decision *d);

/* Copy untrusted text (a HELO name, a DNS name) for a header comment, a
 * log field or a reply: only letters, digits and -._:[] pass, anything
 * else becomes '?', and it is cut (with "...") to fit dstlen. */
void pd_safe_copy(char *dst, size_t dstlen, const char *src);

/* ---- the server ---- */

struct pd_server_config {
	struct pd_config	 policy;
	size_t			 dns_sockets;	/* --sockets; 0: the default */
	const char		*listen[PD_LISTEN_MAX];
	size_t			 nlisten;
	const char		*stats_listen;	/* NULL: none */
	int			 socket_mode;	/* unix sockets */
	size_t			 max_conns;
	int			 idle_timeout_ms;
	int			 request_timeout_ms;
	const char		*log_path;	/* NULL or "-": stderr */
	bool			 syslog;
	size_t			 cache_entries;
};

struct event_base;
struct sockaddr_storage;

/* The address of a --listen SPEC: "inet:HOST:PORT", "inet:[IPV6]:PORT",
 * "unix:PATH" or "HOST:PORT". Returns 0, or -1 with a message in err. */
int pd_listen_addr(const char *spec, struct sockaddr_storage *ss,
    int *sslen, char *err, size_t errlen);

/* Serve until SIGTERM or SIGINT. Takes res and frees it (before the
 * cache in front of it, so that lookups still pending end cleanly).
 * Returns 0, or -1 with a message on stderr when a listener or the log
 * cannot be set up. */
int pd_server_run(struct event_base *base, dns_resolver *res,
    const struct pd_server_config *cfg);

#endif

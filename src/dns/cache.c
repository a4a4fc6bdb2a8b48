/* SPDX-License-Identifier: MIT */
/*
 * The DNS answer cache of cache.h. One hash table (chained, a power of two
 * of buckets) holds every key, live or pending upstream; live entries are
 * also on an LRU list that bounds them. Hits are answered from one libevent
 * event that drains a queue, so that a hit costs no allocation (queue
 * nodes are reused) and no event of its own.
 *
 * Entries are reference counted: the table holds one reference to a live
 * entry and every queued hit another, so that an entry evicted or expired
 * while hits wait for the loop stays valid until they are answered. A
 * pending entry is held by its upstream query alone; the upstream callback
 * turns it live or frees it.
 */
#include "dns/cache.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/wire.h"
#include "util/util.h"

#define CACHE_DEF_ENTRIES	65536
#define CACHE_DEF_MAX_TTL	86400
#define CACHE_DEF_NEG_TTL	3600
#define CACHE_MIN_BUCKETS	16
#define CACHE_MAX_BUCKETS	((size_t)1 << 22)
/* Queue nodes kept for reuse: enough for a burst of hits between two turns
 * of the loop at tens of thousands of queries a second. */
#define CACHE_SPARE_CALLS	4096

struct cache_entry;

/* One callback owed: a hit waiting for the loop (entry set, holding a
 * reference), or a waiter of a pending upstream query (entry NULL). */
struct cache_call {
	struct cache_call	*next;
	struct cache_entry	*entry;
	dns_callback		*cb;
	void			*arg;
};

enum cache_state {
	CACHE_PENDING,		/* asked upstream, waiters queued */
	CACHE_LIVE,		/* answer kept until expires_ms */
};

struct cache_entry {
	struct cache_entry	*hnext;		/* hash chain */
	struct cache_entry	*prev, *next;	/* LRU list, live only */
	struct dns_cache	*cache;		/* NULL: orphaned at free */
	enum cache_state	 state;
	unsigned		 refs;
	uint64_t		 hash;
	uint64_t		 expires_ms;
	/* Live only: one block (dns_answer_dup_flat), so that an entry is
	 * two allocations, and the fields a lookup reads share its first
	 * cache lines with the key rather than sit 400 bytes apart. */
	struct dns_answer	*ans;
	struct cache_call	*whead, *wtail;	/* pending only */
	uint16_t		 qtype;
	size_t			 keylen;
	char			 key[];		/* lower case, no final dot */
};

struct dns_cache {
	struct dns_lookup	*upstream;
	struct dns_cache_config	 cfg;
	struct cache_entry	**buckets;
	size_t			 mask;
	struct cache_entry	*lru_head, *lru_tail;	/* head: most recent */
	struct cache_call	*hit_head, *hit_tail;	/* for the loop */
	struct cache_call	*spare;
	size_t			 nspare;
	struct event		*drain;
	struct dns_cache_stats	 st;
	bool			 closing;
};

static uint64_t
cache_now(const struct dns_cache *c)
{
	struct timespec ts;

	if (c->cfg.now_ms != NULL)
		return c->cfg.now_ms(c->cfg.now_arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The key of name into buf (DNS_NAME_BUF bytes): ASCII lower case, one
 * final dot dropped unless it is escaped ("a\.") or the whole name (the
 * root). Returns false when name is too long to be one.
 */
static bool
cache_key(const char *name, char *buf, size_t *lenp)
{
	size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.') {
		size_t bs = 0;

		while (bs < len - 1 && name[len - 2 - bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			len--;
	}
	if (len >= DNS_NAME_BUF)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		buf[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	buf[len] = '\0';
	*lenp = len;
	return true;
}

/* FNV-1a (64 bits) over the key and the qtype's two bytes. */
static uint64_t
cache_hash(const char *key, size_t len, uint16_t qtype)
{
	const uint64_t prime = 0x100000001b3ULL;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= prime;
	}
	h ^= qtype & 0xff;
	h *= prime;
	h ^= qtype >> 8;
	h *= prime;
	return h;
}

/* The bucket of h: fold the high bits in, since FNV's low bits mix least. */
static struct cache_entry **
cache_bucket(const struct dns_cache *c, uint64_t h)
{
	return &c->buckets[(size_t)(h ^ (h >> 32)) & c->mask];
}

static struct cache_entry *
cache_find(const struct dns_cache *c, uint64_t h, const char *key,
    size_t len, uint16_t qtype)
{
	struct cache_entry *e;

	for (e = *cache_bucket(c, h); e != NULL; e = e->hnext)
		if (e->hash == h && e->qtype == qtype && e->keylen == len &&
		    memcmp(e->key, key, len) == 0)
			return e;
	return NULL;
}

static void
cache_unhash(struct dns_cache *c, struct cache_entry *e)
{
	struct cache_entry **pp = cache_bucket(c, e->hash);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	e->hnext = NULL;
}

static void
lru_unlink(struct dns_cache *c, struct cache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->lru_head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->lru_tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_push(struct dns_cache *c, struct cache_entry *e)
{
	e->prev = NULL;
	e->next = c->lru_head;
	if (c->lru_head)
		c->lru_head->prev = e;
	else
		c->lru_tail = e;
	c->lru_head = e;
}

static void
entry_unref(struct cache_entry *e)
{
	if (--e->refs > 0)
		return;
	free(e->ans);
	free(e);
}

/* Take a live entry out of the table and the LRU list; queued hits may
 * still hold it. */
static void
cache_drop(struct dns_cache *c, struct cache_entry *e)
{
	cache_unhash(c, e);
	lru_unlink(c, e);
	c->st.entries--;
	entry_unref(e);
}

static struct cache_call *
call_get(struct dns_cache *c, dns_callback *cb, void *arg)
{
	struct cache_call *call = c->spare;

	if (call != NULL) {
		c->spare = call->next;
		c->nspare--;
	} else
		call = xcalloc(1, sizeof(*call));
	call->next = NULL;
	call->entry = NULL;
	call->cb = cb;
	call->arg = arg;
	return call;
}

static void
call_put(struct dns_cache *c, struct cache_call *call)
{
	if (c->nspare >= CACHE_SPARE_CALLS) {
		free(call);
		return;
	}
	call->next = c->spare;
	c->spare = call;
	c->nspare++;
}

/*
 * How long ans may be kept, in seconds; 0: not at all. A positive answer
 * lives as long as its shortest record or CNAME hop. A negative one lives
 * min(SOA TTL, SOA MINIMUM) (RFC 2308 §5), and without an SOA not at all
 * (same section). Temporary failures must stay temporary, so they are
 * never kept; FORMERR, NOTIMP and CHAINLOOP neither: asking again is
 * cheap and says what the zone says now.
 */
static uint32_t
cache_ttl(const struct dns_cache *c, const struct dns_answer *ans)
{
	uint32_t ttl, cap = c->cfg.max_ttl;
	size_t nchain;

	if (dns_outcome_is_temporary(ans->outcome))
		return 0;
	switch (ans->outcome) {
	case DNS_OUT_ANSWER:
		if (ans->nrr == 0)
			return 0;
		ttl = UINT32_MAX;
		for (size_t i = 0; i < ans->nrr; i++)
			if (ans->rr[i].ttl < ttl)
				ttl = ans->rr[i].ttl;
		break;
	case DNS_OUT_NXDOMAIN:
	case DNS_OUT_NODATA:
		if (!ans->has_soa)
			return 0;
		ttl = ans->soa_ttl < ans->soa.minimum ? ans->soa_ttl :
		    ans->soa.minimum;
		if (c->cfg.max_neg_ttl < cap)
			cap = c->cfg.max_neg_ttl;
		break;
	default:
		return 0;
	}
	nchain = ans->chain.n < DNS_CHAIN_MAX ? ans->chain.n : DNS_CHAIN_MAX;
	for (size_t i = 0; i < nchain; i++)
		if (ans->chain_ttl[i] < ttl)
			ttl = ans->chain_ttl[i];
	return ttl < cap ? ttl : cap;
}

/*
 * The upstream's answer for pending entry e. The entry leaves the pending
 * state before any waiter runs, so that a waiter asking the same key again
 * gets the kept answer (a hit) or, when nothing was kept, a new upstream
 * query rather than a place in a list that nobody will answer.
 */
static void
cache_upstream_cb(const struct dns_answer *ans, void *arg)
{
	struct cache_entry *e = arg;
	struct dns_cache *c = e->cache;
	struct cache_call *waiters = e->whead, *w;
	uint32_t ttl;

	e->whead = e->wtail = NULL;
	if (c == NULL) {
		/* Orphaned by dns_cache_free, which answered the waiters. */
		entry_unref(e);
		return;
	}
	c->st.pending--;
	ttl = cache_ttl(c, ans);
	if (ttl > 0) {
		e->ans = dns_answer_dup_flat(ans);
		e->state = CACHE_LIVE;
		e->expires_ms = cache_now(c) + (uint64_t)ttl * 1000;
		lru_push(c, e);
		c->st.entries++;
		c->st.inserted++;
		while (c->st.entries > c->cfg.max_entries) {
			cache_drop(c, c->lru_tail);
			c->st.evicted++;
		}
	} else {
		c->st.uncacheable++;
		cache_unhash(c, e);
		entry_unref(e);
	}
	while ((w = waiters) != NULL) {
		waiters = w->next;
		w->cb(ans, w->arg);
		call_put(c, w);
	}
}

/* Answer the hits queued so far. Hits queued by these callbacks wait for
 * the next turn of the loop, so a callback that keeps asking cannot starve
 * the rest of it. */
static void
cache_drain(struct dns_cache *c)
{
	struct cache_call *call, *next = c->hit_head;

	c->hit_head = c->hit_tail = NULL;
	while ((call = next) != NULL) {
		struct cache_entry *e = call->entry;

		next = call->next;
		call->cb(e->ans, call->arg);
		entry_unref(e);
		call_put(c, call);
	}
}

static void
cache_drain_event(evutil_socket_t fd, short what, void *arg)
{
	cache_drain(arg);
}

static void
cache_fail_now(const char *name, uint16_t qtype, dns_callback *cb, void *arg)
{
	struct dns_answer ans;

	dns_answer_init(&ans, name, qtype, DNS_OUT_OTHER);
	snprintf(ans.error, sizeof(ans.error), "cache shut down");
	cb(&ans, arg);
	dns_answer_clear(&ans);
}

static void
cache_query(struct dns_lookup *lk, const char *name, uint16_t qtype,
    dns_callback *cb, void *arg)
{
	struct dns_cache *c = lk->impl;
	struct cache_entry *e;
	struct cache_call *call;
	char key[DNS_NAME_BUF];
	size_t len;
	uint64_t h;

	if (c->closing) {
		/* Only callbacks run during dns_cache_free() get here. */
		cache_fail_now(name, qtype, cb, arg);
		return;
	}
	if (!cache_key(name, key, &len)) {
		/* Too long for a name: the upstream says what it says, and
		 * nothing is kept. */
		c->st.misses++;
		dns_lookup_query(c->upstream, name, qtype, cb, arg);
		return;
	}
	h = cache_hash(key, len, qtype);
	e = cache_find(c, h, key, len, qtype);
	if (e != NULL && e->state == CACHE_LIVE &&
	    cache_now(c) >= e->expires_ms) {
		c->st.expired++;
		cache_drop(c, e);
		e = NULL;
	}
	call = call_get(c, cb, arg);
	if (e == NULL) {
		c->st.misses++;
		c->st.pending++;
		/* malloc and a cleared header: glibc's calloc skips the
		 * thread cache, and the key is written whole below. */
		e = xreallocarray(NULL, 1, sizeof(*e) + len + 1);
		memset(e, 0, sizeof(*e));
		e->cache = c;
		e->state = CACHE_PENDING;
		e->refs = 1;		/* the upstream query's */
		e->hash = h;
		e->qtype = qtype;
		e->keylen = len;
		memcpy(e->key, key, len + 1);
		e->whead = e->wtail = call;
		e->hnext = *cache_bucket(c, h);
		*cache_bucket(c, h) = e;
		dns_lookup_query(c->upstream, name, qtype, cache_upstream_cb,
		    e);
		return;
	}
	if (e->state == CACHE_PENDING) {
		c->st.coalesced++;
		e->wtail->next = call;
		e->wtail = call;
		return;
	}
	c->st.hits++;
	if (e != c->lru_head) {
		lru_unlink(c, e);
		lru_push(c, e);
	}
	e->refs++;
	call->entry = e;
	if (c->hit_tail != NULL)
		c->hit_tail->next = call;
	else {
		c->hit_head = call;
		event_active(c->drain, EV_TIMEOUT, 0);
	}
	c->hit_tail = call;
}

struct dns_cache *
dns_cache_new(struct event_base *base, struct dns_lookup *upstream,
    const struct dns_cache_config *cfg)
{
	struct dns_cache *c = xcalloc(1, sizeof(*c));
	size_t nb = CACHE_MIN_BUCKETS;

	c->upstream = upstream;
	if (cfg != NULL)
		c->cfg = *cfg;
	if (c->cfg.max_entries == 0)
		c->cfg.max_entries = CACHE_DEF_ENTRIES;
	if (c->cfg.max_ttl == 0)
		c->cfg.max_ttl = CACHE_DEF_MAX_TTL;
	if (c->cfg.max_neg_ttl == 0)
		c->cfg.max_neg_ttl = CACHE_DEF_NEG_TTL;
	/* About one bucket per live entry; pending keys are few beside. */
	while (nb < c->cfg.max_entries && nb < CACHE_MAX_BUCKETS)
		nb <<= 1;
	c->buckets = xcalloc(nb, sizeof(*c->buckets));
	c->mask = nb - 1;
	c->drain = event_new(base, -1, 0, cache_drain_event, c);
	if (c->drain == NULL) {
		free(c->buckets);
		free(c);
		return NULL;
	}
	return c;
}

void
dns_cache_lookup(struct dns_cache *c, struct dns_lookup *lk)
{
	lk->query = cache_query;
	lk->impl = c;
}

void
dns_cache_stats(const struct dns_cache *c, struct dns_cache_stats *st)
{
	*st = c->st;
}

void
dns_cache_free(struct dns_cache *c)
{
	struct cache_entry *orphans = NULL, *e;
	struct cache_call *call;

	if (c == NULL)
		return;
	c->closing = true;
	/* Hits owe a callback: answer them, as the loop would have. */
	while (c->hit_head != NULL)
		cache_drain(c);
	for (size_t b = 0; b <= c->mask; b++) {
		while ((e = c->buckets[b]) != NULL) {
			c->buckets[b] = e->hnext;
			e->hnext = NULL;
					if (e->state == CACHE_LIVE) {
				entry_unref(e);
				continue;
			}
			/* Pending: the upstream still holds it; its late
			 * callback frees it (cache NULL). */
			e->cache = NULL;
			e->next = orphans;
			orphans = e;
		}
	}
	c->lru_head = c->lru_tail = NULL;
	c->st.entries = c->st.pending = 0;
	while ((e = orphans) != NULL) {
		struct cache_call *w = e->whead;

		orphans = e->next;
		e->next = NULL;
		e->whead = e->wtail = NULL;
		while ((call = w) != NULL) {
			w = call->next;
			cache_fail_now(e->key, e->qtype, call->cb, call->arg);
			free(call);
		}
	}
	while ((call = c->spare) != NULL) {
		c->spare = call->next;
		free(call);
	}
	event_free(c->drain);
	free(c->buckets);
	free(c);
}

/* SPDX-License-Identifier: MIT */
/*
 * Token buckets in a fixed pool: a chained hash on the client key and an
 * LRU list through the same nodes, all indices into one array, so there
 * is nothing to allocate after ratelimit_new().
 *
 * Tokens are counted in millionths of a request: rate_milli (requests per
 * 1000 s) is then exactly the gain per millisecond.
 */
#include "net/ratelimit.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define RL_NONE		UINT32_MAX
#define RL_ONE		1000000ull	/* one request, in tokens */

struct rl_node {
	uint8_t		key[17];	/* family byte, then the prefix */
	uint32_t	hnext;		/* hash chain */
	uint32_t	prev, next;	/* LRU list: head is the newest */
	uint64_t	tokens;
	uint64_t	last_ms;
};

struct ratelimit {
	struct ratelimit_config	cfg;
	uint32_t		mask;		/* hash buckets - 1 */
	uint32_t		*bucket;
	struct rl_node		*node;
	uint32_t		used;		/* nodes handed out */
	uint32_t		head, tail;
};

struct ratelimit *
ratelimit_new(const struct ratelimit_config *cfg)
{
	struct ratelimit *rl;
	uint32_t n = 1;

	if (cfg->rate_milli == 0 || cfg->burst == 0 || cfg->burst > 1000000 ||
	    cfg->max_clients == 0 || cfg->max_clients > RATELIMIT_CLIENTS_MAX)
		return NULL;
	while (n < cfg->max_clients)
		n <<= 1;
	rl = xcalloc(1, sizeof(*rl));
	rl->cfg = *cfg;
	rl->mask = n - 1;
	rl->bucket = xcalloc(n, sizeof(*rl->bucket));
	memset(rl->bucket, 0xff, n * sizeof(*rl->bucket));
	rl->node = xcalloc(cfg->max_clients, sizeof(*rl->node));
	rl->head = rl->tail = RL_NONE;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	free(rl->bucket);
	free(rl->node);
	free(rl);
}

size_t
ratelimit_clients(const struct ratelimit *rl)
{
	return rl->used;
}

/* The client key of sa: IPv4 address, or the /64 of an IPv6 one. */
static void
rl_key(const struct sockaddr *sa, uint8_t key[17])
{
	memset(key, 0, 17);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		key[0] = 4;
		memcpy(key + 1, &sin->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			key[0] = 4;
			memcpy(key + 1, sin6->sin6_addr.s6_addr + 12, 4);
		} else {
			key[0] = 6;
			memcpy(key + 1, sin6->sin6_addr.s6_addr, 8);
		}
	}
}

/* FNV-1a: the keys are short and the table is not exposed to chosen
 * collisions beyond one chain walk per request. */
static uint32_t
rl_hash(const uint8_t key[17])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	return h;
}

static void
rl_unlink(struct ratelimit *rl, uint32_t i)
{
	struct rl_node *n = &rl->node[i];

	if (n->prev != RL_NONE)
		rl->node[n->prev].next = n->next;
	else
		rl->head = n->next;
	if (n->next != RL_NONE)
		rl->node[n->next].prev = n->prev;
	else
		rl->tail = n->prev;
}

static void
rl_push_head(struct ratelimit *rl, uint32_t i)
{
	struct rl_node *n = &rl->node[i];

	n->prev = RL_NONE;
	n->next = rl->head;
	if (rl->head != RL_NONE)
		rl->node[rl->head].prev = i;
	rl->head = i;
	if (rl->tail == RL_NONE)
		rl->tail = i;
}

/* Take node i out of its hash chain. */
static void
rl_unhash(struct ratelimit *rl, uint32_t i)
{
	uint32_t *p = &rl->bucket[rl_hash(rl->node[i].key) & rl->mask];

	while (*p != i)
		p = &rl->node[*p].hnext;
	*p = rl->node[i].hnext;
}

uint64_t
ratelimit_take(struct ratelimit *rl, const struct sockaddr *sa,
    uint64_t now_ms)
{
	uint8_t key[17];
	uint32_t h, i;
	struct rl_node *n;
	uint64_t cap = (uint64_t)rl->cfg.burst * RL_ONE;

	rl_key(sa, key);
	h = rl_hash(key) & rl->mask;
	for (i = rl->bucket[h]; i != RL_NONE; i = rl->node[i].hnext)
		if (memcmp(rl->node[i].key, key, sizeof(key)) == 0)
			break;
	if (i == RL_NONE) {
		if (rl->used < rl->cfg.max_clients) {
			i = rl->used++;
		} else {
			/* Reuse the client seen least recently. */
			i = rl->tail;
			rl_unlink(rl, i);
			rl_unhash(rl, i);
		}
		n = &rl->node[i];
		memcpy(n->key, key, sizeof(key));
		n->hnext = rl->bucket[h];
		rl->bucket[h] = i;
		n->tokens = cap;
		n->last_ms = now_ms;
	} else {
		rl_unlink(rl, i);
	}
	rl_push_head(rl, i);
	n = &rl->node[i];
	if (now_ms > n->last_ms) {
		uint64_t dt = now_ms - n->last_ms;

		/* Compare before multiplying: dt may be days. */
		if (dt >= (cap - n->tokens) / rl->cfg.rate_milli + 1)
			n->tokens = cap;
		else
			n->tokens += dt * rl->cfg.rate_milli;
		n->last_ms = now_ms;
	}
	if (n->tokens >= RL_ONE) {
		n->tokens -= RL_ONE;
		return 0;
	}
	return (RL_ONE - n->tokens + rl->cfg.rate_milli - 1) /
	    rl->cfg.rate_milli;
}

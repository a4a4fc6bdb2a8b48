/* SPDX-License-Identifier: MIT */
/*
 * The bulk run. Input is pulled only while fewer than cfg->window
 * addresses are in flight, so memory is bounded by the window whatever the
 * input's length: a CIDR range is expanded one address at a time, and a
 * hostname holds one slot while its A/AAAA lookups run. Each address goes
 * through the same identity check as `mxdiag check` (identity.c, judge.c)
 * and is written as one JSON line when complete. SMTP probes, when asked
 * for, wait for one of cfg->smtp_max connection slots and for their
 * destination (/24 or /64) to have fewer than cfg->per_dest connections.
 */
#include "bulk/bulk.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bulk/input.h"
#include "check/names.h"
#include "dns/hostaddr.h"
#include "report/emit.h"
#include "report/jsonw.h"
#include "report/report.h"
#include "util/util.h"

/* One input line, shared by the addresses it expands to. */
struct bulk_line {
	unsigned		 refs;
	unsigned long		 lineno;
	int			 port;
	char			*expected_name;	/* NULL: none */
	char			 text[];	/* the line, trimmed */
};

struct bulk_task {
	struct bulk_task	*next;		/* waiting for an SMTP slot */
	struct bulk_run		*run;
	struct bulk_line	*line;
	char			 key[256];	/* "target" */
	int			 af;
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;
	uint64_t		 dest;		/* /24 or /64, for SMTP */
	bool			 smtp;		/* holds an SMTP slot */
	/* While the blacklists are asked: the line so far, and the
	 * identity verdict's part of the tally. */
	json_t			*json;
	struct finding_list	 findings;
	enum iprev_result	 iprev;
	struct dnsbl_report	*bl;
};

/* A hostname target while its addresses are looked up. */
struct bulk_host {
	struct bulk_run		*run;
	struct bulk_line	*line;
	char			 key[256];
};

struct bulk_dest {
	uint64_t	 dest;
	size_t		 n;
};

struct bulk_run {
	struct event_base	*base;
	dns_resolver		*res;
	struct dns_lookup	*lookup;
	const struct bulk_config *cfg;
	FILE			*in, *out;
	struct bulk_stats	*st;

	char			 buf[BULK_LINE_MAX + 2];
	long long		 consumed;	/* input bytes read */
	bool			 eof;
	bool			 stop;		/* a signal: read no more */
	long long		 stop_ms;	/* when the first came */
	bool			 filling;

	/* The range being expanded, and its line. */
	bool			 in_range;
	struct bulk_range_iter	 range;
	struct bulk_line	*range_line;
	unsigned long long	 known;		/* addresses seen coming */

	size_t			 running;	/* addresses and hosts */
	struct bulk_task	*smtp_head, *smtp_tail;
	size_t			 smtp_running;
	struct bulk_dest	*dests;		/* smtp_max entries */

	struct event		*tick;		/* progress */
	struct event		*sigint, *sigterm;
	struct jsonw		 ow;		/* one output line */
	/* The blacklists' test entries, asked once before the first
	 * address and lent to every address's report. */
	struct dnsbl_report	*bl_tests;
	long long		 started_ms;
	unsigned long		 last_done;
	long long		 last_ms;
	double			 rate;		/* addresses/s, smoothed */
};

static void bulk_fill(struct bulk_run *run);

int
bulk_checks_parse(const char *spec, unsigned *mask, char *err, size_t errlen)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} names[] = {
		{ "ptr", BULK_CHECK_PTR },
		{ "iprev", BULK_CHECK_IPREV },
		{ "banner", BULK_CHECK_BANNER },
		{ "dnsbl", BULK_CHECK_DNSBL },
	};
	const char *p = spec;

	*mask = 0;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < UTIL_ARRAY_LEN(names); i++)
			if (strlen(names[i].name) == len &&
			    strncmp(names[i].name, p, len) == 0)
				break;
		if (i == UTIL_ARRAY_LEN(names)) {
			char shown[64];

			util_printable(shown, sizeof(shown), p, len);
			snprintf(err, errlen, "unknown check \"%s\" (ptr, "
			    "iprev, banner, dnsbl)", shown);
			return -1;
		}
		*mask |= names[i].bit;
		p += len;
		if (*p == ',')
			p++;
	}
	if (*mask == 0) {
		snprintf(err, errlen, "no check named");
		return -1;
	}
	/* The PTR lookup and its forward confirmation are one check: a PTR
	 * name proves nothing until it leads back, and the banner and the
	 * listings are judged next to them. */
	*mask |= BULK_CHECK_PTR | BULK_CHECK_IPREV;
	return 0;
}

/* ---- output ---- */

static void
bulk_line_unref(struct bulk_line *l)
{
	if (l == NULL || --l->refs > 0)
		return;
	free(l->expected_name);
	free(l);
}

static void
bulk_count_code(struct bulk_stats *st, const char *code)
{
	for (size_t i = 0; i < st->ncodes; i++)
		if (strcmp(st->codes[i].code, code) == 0) {
			st->codes[i].n++;
			return;
		}
	if (st->ncodes == BULK_CODES_MAX)
		return;
	snprintf(st->codes[st->ncodes].code, sizeof(st->codes[0].code), "%s",
	    code);
	st->codes[st->ncodes++].n = 1;
}

/* Write the line in run->ow (rc 0), or say why there is none (-1: it
 * could not be encoded); a failed write stops the run. */
static void
bulk_write(struct bulk_run *run, int rc)
{
	if (rc == 0) {
		jsonw_put_newline(&run->ow);
		if (fwrite(run->ow.buf, 1, run->ow.len, run->out) !=
		    run->ow.len)
			rc = -2;
	}
	if (rc != 0) {
		if (!run->st->write_error)
			fprintf(stderr, "mxdiag: cannot write the output: %s\n",
			    rc == -1 ? "cannot encode a line" :
			    strerror(errno));
		run->st->write_error = true;
		run->stop = true;
	}
}

/* Write one object as a line. */
static void
bulk_emit(struct bulk_run *run, json_t *o)
{
	jsonw_reset(&run->ow);
	bulk_write(run, jsonw_dump(&run->ow, o));
	json_decref(o);
}

static json_t *
bulk_line_head(const char *type, const struct bulk_line *l)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "line", json_integer((json_int_t)l->lineno));
	json_object_set_new(o, "input", json_string(l->text));
	return o;
}

static void
bulk_emit_error(struct bulk_run *run, unsigned long lineno, const char *text,
    size_t len, const char *why)
{
	char shown[160];
	json_t *o;
	char reason[256];

	if (run->cfg->part_k != 0)
		return;		/* every part reads the line; one says it */
	o = json_object();

	/* Both printable ASCII, so always valid JSON strings (the parser's
	 * reasons are printable already: anything else becomes '?'). */
	util_printable(shown, sizeof(shown), text, len);
	util_strlcpy(reason, why, sizeof(reason));
	for (char *p = reason; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	run->st->input_errors++;
	json_object_set_new(o, "type", json_string("error"));
	json_object_set_new(o, "line", json_integer((json_int_t)lineno));
	json_object_set_new(o, "input", json_string(shown));
	json_object_set_new(o, "error", json_string(reason));
	bulk_emit(run, o);
}

/* Count one result line: its worst status, iprev and finding codes. */
static void
bulk_tally(struct bulk_run *run, enum finding_status worst,
    const struct finding_list *fl, enum iprev_result iprev)
{
	run->st->addresses++;
	if ((size_t)worst < UTIL_ARRAY_LEN(run->st->status))
		run->st->status[worst]++;
	if ((size_t)iprev < UTIL_ARRAY_LEN(run->st->iprev))
		run->st->iprev[iprev]++;
	for (size_t i = 0; i < fl->n; i++)
		bulk_count_code(run->st, fl->v[i]->code);
	finding_tally_add(&run->st->tally, fl);
	/* The line's status may come from elsewhere (a target-level
	 * verdict): count it as well. */
	if (finding_status_is_problem(worst) && worst != FINDING_TEMPERROR)
		run->st->tally.problems = true;
	if (worst == FINDING_TEMPERROR)
		run->st->tally.temporary = true;
}

/* ---- SMTP slots ---- */

static struct bulk_dest *
bulk_dest_find(struct bulk_run *run, uint64_t dest, bool add)
{
	struct bulk_dest *free_slot = NULL;

	for (size_t i = 0; i < run->cfg->smtp_max; i++) {
		if (run->dests[i].n > 0 && run->dests[i].dest == dest)
			return &run->dests[i];
		if (run->dests[i].n == 0 && free_slot == NULL)
			free_slot = &run->dests[i];
	}
	if (add && free_slot != NULL) {
		free_slot->dest = dest;
		return free_slot;
	}
	return NULL;
}

static bool
bulk_smtp_may(struct bulk_run *run, uint64_t dest)
{
	struct bulk_dest *d = bulk_dest_find(run, dest, false);

	return run->smtp_running < run->cfg->smtp_max &&
	    (d == NULL || d->n < run->cfg->per_dest);
}

static void
bulk_smtp_take(struct bulk_run *run, struct bulk_task *t)
{
	struct bulk_dest *d = bulk_dest_find(run, t->dest, true);

	/* There is always a free entry: fewer than smtp_max run. */
	if (d == NULL)
		abort();
	d->n++;
	run->smtp_running++;
	t->smtp = true;
}

static void
bulk_smtp_release(struct bulk_run *run, struct bulk_task *t)
{
	struct bulk_dest *d;

	if (!t->smtp)
		return;
	d = bulk_dest_find(run, t->dest, false);
	if (d != NULL)
		d->n--;
	run->smtp_running--;
	t->smtp = false;
}

/* ---- one address ---- */

static void bulk_smtp_pump(struct bulk_run *run);

static void
bulk_task_free(struct bulk_task *t)
{
	struct bulk_run *run = t->run;

	bulk_smtp_release(run, t);
	bulk_line_unref(t->line);
	finding_list_clear(&t->findings);
	dnsbl_report_free(t->bl);
	json_decref(t->json);
	free(t);
	run->running--;
	bulk_smtp_pump(run);
	bulk_fill(run);
}

/* The blacklists answered: their part joins the line, and the address's
 * status is the worse of the two. */
static void
bulk_bl_done(struct dnsbl_report *rep, void *arg)
{
	struct bulk_task *t = arg;
	const struct dnsbl_target *bt = &rep->targets[0];
	enum finding_status worst = finding_list_worst(&t->findings);

	if (finding_status_rank(bt->status) > finding_status_rank(worst))
		worst = bt->status;
	json_object_set_new(t->json, "status",
	    json_string(finding_status_name(worst)));
	json_object_set_new(t->json, "dnsbl", dnsbl_target_json(rep, bt));
	bulk_tally(t->run, worst, &t->findings, t->iprev);
	for (size_t i = 0; i < bt->findings.n; i++)
		bulk_count_code(t->run->st, bt->findings.v[i]->code);
	bulk_emit(t->run, t->json);
	t->json = NULL;
	bulk_task_free(t);
}

static void
bulk_task_done(struct identity_facts *f, void *arg)
{
	struct bulk_task *t = arg;
	struct bulk_run *run = t->run;
	struct identity_verdict v;
	json_t *o;

	if (run->cfg->detail)
		identity_judge(f, &v);
	else
		identity_judge_brief(f, &v);
	if (!(run->cfg->checks & BULK_CHECK_DNSBL)) {
		/* The common case, written straight as text: no tree to
		 * build, print and free for every address. */
		struct emit e;

		jsonw_reset(&run->ow);
		jsonw_put_raw(&run->ow, "{", 1);
		emit_init_text(&e, &run->ow, 0);
		emit_str(&e, "type", "result");
		emit_int(&e, "line", (long long)t->line->lineno);
		emit_str(&e, "input", t->line->text);
		report_text_address_summary(&run->ow, 3, f, &v, t->key,
		    !run->cfg->detail);
		emit_init_text(&e, &run->ow, 1);
		emit_null(&e, "dnsbl");
		jsonw_put_raw(&run->ow, "}", 1);
		bulk_tally(run, finding_list_worst(&v.findings), &v.findings,
		    v.iprev);
		identity_verdict_clear(&v);
		bulk_write(run, 0);
		bulk_task_free(t);
		return;
	}
	/* With blacklists: a tree, finished when they have answered. */
	o = bulk_line_head("result", t->line);
	report_json_address_summary(o, f, &v, !run->cfg->detail);
	/* The key, not the user's spelling: what --resume looks for. */
	json_object_set_new(o, "target", json_string(t->key));
	t->json = o;
	t->iprev = v.iprev;
	finding_list_move(&t->findings, &v.findings);
	identity_verdict_clear(&v);
	{
		const char *addr[1] = { f->address };
		char err[128];

		t->bl = dnsbl_report_new(run->cfg->dnsbl, addr, 1, err,
		    sizeof(err));
		if (t->bl != NULL) {
			dnsbl_report_adopt_tests(t->bl, run->bl_tests);
			dnsbl_report_lookup(t->bl, run->lookup, bulk_bl_done,
			    t);
			return;
		}
		/* Cannot happen for an address; say so if it does. */
		json_object_set_new(o, "dnsbl", json_pack("{s:s}", "error",
		    err));
	}
	bulk_tally(run, finding_list_worst(&t->findings), &t->findings,
	    t->iprev);
	bulk_emit(run, o);
	t->json = NULL;
	bulk_task_free(t);
}

static void
bulk_task_start(struct bulk_run *run, struct bulk_task *t)
{
	struct identity_options id = run->cfg->id;
	struct bulk_line *l = t->line;

	id.no_smtp = !(run->cfg->checks & BULK_CHECK_BANNER);
	if (l->expected_name != NULL)
		id.expected_name = l->expected_name;
	identity_start(run->base, run->res, &id, l->text, t->af, &t->addr,
	    l->port > 0 ? l->port : run->cfg->port, bulk_task_done, t);
}

/* Start waiting probes whose destination has room, oldest first. Skips
 * over a busy destination so that one crowded /24 cannot stall others. */
static void
bulk_smtp_pump(struct bulk_run *run)
{
	struct bulk_task *prev = NULL, *t = run->smtp_head, *next;

	while (t != NULL && run->smtp_running < run->cfg->smtp_max) {
		next = t->next;
		if (!bulk_smtp_may(run, t->dest)) {
			prev = t;
			t = next;
			continue;
		}
		if (prev != NULL)
			prev->next = next;
		else
			run->smtp_head = next;
		if (run->smtp_tail == t)
			run->smtp_tail = prev;
		t->next = NULL;
		bulk_smtp_take(run, t);
		bulk_task_start(run, t);
		t = next;
	}
}

static uint64_t
bulk_dest_of(int af, const void *addr)
{
	uint64_t d = 0;

	if (af == AF_INET) {
		const uint8_t *b = addr;

		d = (uint64_t)b[0] << 16 | (uint64_t)b[1] << 8 | b[2];
	} else {
		memcpy(&d, addr, 8);
		d ^= 1ULL << 63;	/* never equal to an IPv4 /24 */
	}
	return d;
}

/* Check one address of line l under key. */
static void
bulk_address(struct bulk_run *run, struct bulk_line *l, const char *key,
    int af, const void *addr)
{
	struct bulk_task *t = xcalloc(1, sizeof(*t));

	t->run = run;
	t->line = l;
	l->refs++;
	util_strlcpy(t->key, key, sizeof(t->key));
	t->af = af;
	memcpy(&t->addr, addr, af == AF_INET ? sizeof(struct in_addr) :
	    sizeof(struct in6_addr));
	run->running++;
	if (!(run->cfg->checks & BULK_CHECK_BANNER)) {
		bulk_task_start(run, t);
		return;
	}
	t->dest = bulk_dest_of(af, addr);
	if (run->smtp_tail != NULL)
		run->smtp_tail->next = t;
	else
		run->smtp_head = t;
	run->smtp_tail = t;
	bulk_smtp_pump(run);
}

/* ---- hostnames ---- */

static void
bulk_host_done(const struct dns_hostaddr_result *r, void *arg)
{
	struct bulk_host *h = arg;
	struct bulk_run *run = h->run;
	size_t n = 0;

	/* Every address, IPv4 first, at most as many as `check` takes. */
	for (size_t i = 0; i < r->naddrs && n < 16; i++, n++)
		bulk_address(run, h->line, h->key, r->addrs[i].af,
		    &r->addrs[i].u);
	if (n == 0) {
		struct finding_list fl = { 0 };
		json_t *o = bulk_line_head("result", h->line);

		names_no_address_finding(&fl, h->key, r->a, r->aaaa,
		    run->cfg->family);
		json_object_set_new(o, "target", json_string(h->key));
		json_object_set_new(o, "address", json_null());
		json_object_set_new(o, "status", json_string(
		    finding_status_name(finding_list_worst(&fl))));
		json_object_set_new(o, "findings", run->cfg->detail ?
		    report_json_findings(&fl) : report_json_findings_brief(&fl));
		bulk_tally(run, finding_list_worst(&fl), &fl, IPREV_NONE);
		bulk_emit(run, o);
		finding_list_clear(&fl);
	}
	bulk_line_unref(h->line);
	free(h);
	run->running--;
	bulk_fill(run);
}

static void
bulk_host(struct bulk_run *run, struct bulk_line *l, const char *host)
{
	struct bulk_host *h = xcalloc(1, sizeof(*h));

	h->run = run;
	h->line = l;
	l->refs++;
	util_strlcpy(h->key, host, sizeof(h->key));
	run->running++;
	dns_hostaddr_resolve(run->lookup, host, run->cfg->family,
	    bulk_host_done, h);
}

/* ---- input ---- */

/* False when the key is another shard's or already done; counts why. */
static bool
bulk_wanted(struct bulk_run *run, const char *key)
{
	const struct bulk_config *cfg = run->cfg;
	uint64_t h = bulk_key_hash(key);

	/* Another part's: not skipped, only done elsewhere. */
	if (!bulk_part_mine(h, cfg->shard_n, cfg->part_k, cfg->part_n))
		return false;
	if (!bulk_shard_mine(h, cfg->shard_k, cfg->shard_n)) {
		run->st->other_shard++;
		return false;
	}
	if (cfg->seen != NULL && bulk_seen_has(cfg->seen, h)) {
		run->st->resumed++;
		return false;
	}
	return true;
}

/*
 * Read one line into run->buf. Returns its length, or -1 at the end of
 * the input. A line longer than BULK_LINE_MAX is read to its end and
 * reported through *overlong, its first bytes kept.
 */
static long
bulk_read_line(struct bulk_run *run, bool *overlong)
{
	size_t len = 0;
	int c;

	*overlong = false;
	while ((c = getc_unlocked(run->in)) != EOF) {
		run->consumed++;
		if (c == '\n')
			return (long)len;
		if (len < BULK_LINE_MAX)
			run->buf[len++] = (char)c;
		else
			*overlong = true;
	}
	if (len == 0 && !*overlong)
		return -1;
	return (long)len;	/* a last line without its newline */
}

static struct bulk_line *
bulk_line_new(unsigned long lineno, const char *text, size_t len,
    const struct bulk_item *it)
{
	/* Printable, so that it is always valid in JSON (a JSON line may
	 * hold any byte the parser let through inside a string). */
	struct bulk_line *l = xcalloc(1, sizeof(*l) + 4 * len + 4);

	l->refs = 1;
	l->lineno = lineno;
	util_printable(l->text, 4 * len + 4, text, len);
	l->port = it->port;
	if (it->expected_name[0] != '\0')
		l->expected_name = xstrdup(it->expected_name);
	return l;
}

/* Take the next address of the range being expanded; false at its end. */
static bool
bulk_range_step(struct bulk_run *run)
{
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;
	char key[INET6_ADDRSTRLEN];
	int af;

	while (bulk_range_next(&run->range, &af, &addr)) {
		bulk_key_addr(af, &addr, key, sizeof(key));
		if (!bulk_wanted(run, key))
			continue;
		bulk_address(run, run->range_line, key, af, &addr);
		return true;
	}
	bulk_line_unref(run->range_line);
	run->range_line = NULL;
	run->in_range = false;
	return false;
}

/* Read and start targets until the window is full or the input ends. */
static void
bulk_fill(struct bulk_run *run)
{
	/* Completions run inside starts (a hostname without addresses):
	 * one filler at a time. */
	if (run->filling)
		return;
	if (run->cfg->group != NULL && !run->stop &&
	    atomic_load(&run->cfg->group->stop)) {
		run->stop = true;
		run->st->interrupted = true;
	}
	run->filling = true;
	while (run->running < run->cfg->window && !run->stop) {
		struct bulk_item it;
		struct bulk_line *l;
		const char *text;
		char err[256], key[256];
		bool overlong;
		long len;
		size_t tlen;

		if (run->in_range) {
			bulk_range_step(run);
			continue;
		}
		if (run->eof)
			break;
		if ((len = bulk_read_line(run, &overlong)) < 0) {
			run->eof = true;
			break;
		}
		run->st->lines++;
		if (overlong) {
			bulk_emit_error(run, run->st->lines, run->buf,
			    (size_t)len, "line longer than 4096 bytes");
			continue;
		}
		if (bulk_input_parse(run->buf, (size_t)len,
		    run->cfg->allow_huge, &it, err, sizeof(err)) != 0) {
			bulk_emit_error(run, run->st->lines, run->buf,
			    (size_t)len, err);
			continue;
		}
		if (it.kind == BULK_SKIP)
			continue;
		run->st->targets++;
		/* The line as the user wrote it, without the blanks around;
		 * the parser accepted it, so it is printable. */
		text = run->buf;
		tlen = (size_t)len;
		while (tlen > 0 && strchr(" \t\r", text[tlen - 1]) != NULL)
			tlen--;
		while (tlen > 0 && strchr(" \t", text[0]) != NULL)
			text++, tlen--;
		switch (it.kind) {
		case BULK_ADDR:
			bulk_key_addr(it.af, &it.addr, key, sizeof(key));
			if (!bulk_wanted(run, key))
				break;
			run->known++;
			l = bulk_line_new(run->st->lines, text, tlen, &it);
			bulk_address(run, l, key, it.af, &it.addr);
			bulk_line_unref(l);
			break;
		case BULK_RANGE:
			run->known += bulk_range_size(&it);
			run->range_line = bulk_line_new(run->st->lines, text,
			    tlen, &it);
			bulk_range_begin(&run->range, &it);
			run->in_range = true;
			break;
		case BULK_HOST:
			if (!bulk_wanted(run, it.host))
				break;
			run->known++;
			l = bulk_line_new(run->st->lines, text, tlen, &it);
			bulk_host(run, l, it.host);
			bulk_line_unref(l);
			break;
		default:
			break;
		}
	}
	run->filling = false;
	if (run->running == 0 && (run->eof || run->stop)) {
		/* Nothing left: let the loop end. */
		if (run->in_range) {
			bulk_line_unref(run->range_line);
			run->range_line = NULL;
			run->in_range = false;
		}
		if (run->tick)
			event_del(run->tick);
		if (run->sigint)
			event_del(run->sigint);
		if (run->sigterm)
			event_del(run->sigterm);
	}
}

/* ---- progress and signals ---- */

/* The progress line itself (stderr, a terminal: redrawn in place). */
static void
bulk_progress_line(unsigned long done, double rate, const char *eta,
    const unsigned long *status, unsigned long errors, bool final)
{
	fprintf(stderr, "\r\033[K%lu done, %.0f/s%s; pass %lu, fail %lu, "
	    "warning %lu, temperror %lu, errors %lu%s", done, rate, eta,
	    status[FINDING_PASS] + status[FINDING_INFO],
	    status[FINDING_FAIL] + status[FINDING_PERMERROR],
	    status[FINDING_WARNING], status[FINDING_TEMPERROR], errors,
	    final ? "\n" : "");
}

static void
bulk_progress(struct bulk_run *run, bool final)
{
	const struct bulk_stats *st = run->st;
	long long now = util_now_ms();
	double secs = (double)(now - run->last_ms) / 1000.0;
	char eta[32] = "";

	if (secs > 0) {
		double r = (double)(st->addresses - run->last_done) / secs;

		run->rate = run->rate == 0 ? r : 0.7 * run->rate + 0.3 * r;
	}
	run->last_done = st->addresses;
	run->last_ms = now;
	/* The total is known for what was read; scale by the share of a
	 * regular file consumed. */
	if (run->cfg->input_size > 0 && run->consumed > 0 && run->rate > 1) {
		double total = (double)run->known * (double)run->cfg->input_size /
		    (double)run->consumed;
		double left = (total - (double)st->addresses -
		    (double)st->resumed - (double)st->other_shard) / run->rate;

		if (left < 0)
			left = 0;
		snprintf(eta, sizeof(eta), ", ETA %ld:%02ld",
		    (long)left / 60, (long)left % 60);
	}
	bulk_progress_line(st->addresses, run->rate, eta, st->status,
	    st->input_errors, final);
}

static void
bulk_tick(evutil_socket_t fd, short what, void *arg)
{
	bulk_progress(arg, false);
}

/* A part's progress, for the thread that prints the line. */
static void
bulk_part_publish(struct bulk_run *run)
{
	struct bulk_group *g = run->cfg->group;
	struct bulk_part_progress *pp = &g->parts[run->cfg->part_k];
	const struct bulk_stats *st = run->st;

	pthread_mutex_lock(&g->lock);
	pp->addresses = st->addresses;
	pp->resumed = st->resumed;
	pp->other_shard = st->other_shard;
	pp->input_errors = st->input_errors;
	memcpy(pp->status, st->status, sizeof(pp->status));
	pp->consumed = run->consumed;
	pthread_mutex_unlock(&g->lock);
}

/* A part's second: publish, and notice a stop while nothing completes. */
static void
bulk_part_tick(evutil_socket_t fd, short what, void *arg)
{
	struct bulk_run *run = arg;

	bulk_part_publish(run);
	bulk_fill(run);
}

static void
bulk_signal(evutil_socket_t sig, short what, void *arg)
{
	struct bulk_run *run = arg;

	if (run->stop) {
		/* Again: the user means it. Not within a second, though:
		 * timeout(1) and a terminal's ^C signal the whole process
		 * group, and one keypress must not become two. */
		if (util_now_ms() - run->stop_ms < 1000)
			return;
		signal((int)sig, SIG_DFL);
		raise((int)sig);
		return;
	}
	run->stop_ms = util_now_ms();
	fprintf(stderr, "\nmxdiag: stopping: finishing the %zu addresses in "
	    "flight (again to quit now)\n", run->running);
	run->stop = true;
	run->st->interrupted = true;
	bulk_fill(run);
}

static void
bulk_bl_tests_done(struct dnsbl_report *rep, void *arg)
{
	bulk_fill(arg);
}

int
bulk_run(struct event_base *base, dns_resolver *res,
    struct dns_lookup *lookup, const struct bulk_config *cfg, FILE *in,
    FILE *out, struct bulk_stats *st)
{
	struct bulk_run run;

	memset(&run, 0, sizeof(run));
	memset(st, 0, sizeof(*st));
	run.base = base;
	run.res = res;
	run.lookup = lookup;
	run.cfg = cfg;
	run.in = in;
	run.out = out;
	run.st = st;
	run.dests = xcalloc(cfg->smtp_max > 0 ? cfg->smtp_max : 1,
	    sizeof(*run.dests));
	run.started_ms = run.last_ms = util_now_ms();
	if (cfg->group != NULL) {
		/* A part: the signals and the progress line are the
		 * group's thread's. */
		struct timeval tv = { 1, 0 };

		run.tick = event_new(base, -1, EV_PERSIST, bulk_part_tick,
		    &run);
		if (run.tick != NULL)
			event_add(run.tick, &tv);
	} else {
		if (cfg->progress) {
			struct timeval tv = { 1, 0 };

			run.tick = event_new(base, -1, EV_PERSIST, bulk_tick,
			    &run);
			if (run.tick != NULL)
				event_add(run.tick, &tv);
		}
		run.sigint = evsignal_new(base, SIGINT, bulk_signal, &run);
		run.sigterm = evsignal_new(base, SIGTERM, bulk_signal, &run);
		if (run.sigint != NULL)
			event_add(run.sigint, NULL);
		if (run.sigterm != NULL)
			event_add(run.sigterm, NULL);
	}

	if (cfg->checks & BULK_CHECK_DNSBL) {
		/* Trust each list once; the addresses start when it is
		 * known. */
		run.bl_tests = dnsbl_report_tests_new(cfg->dnsbl,
		    DNSBL_KIND_IP4 | DNSBL_KIND_IP6);
		dnsbl_report_lookup(run.bl_tests, lookup, bulk_bl_tests_done,
		    &run);
	} else {
		bulk_fill(&run);
	}
	event_base_dispatch(base);

	if (cfg->group != NULL)
		bulk_part_publish(&run);
	else if (cfg->progress)
		bulk_progress(&run, true);
	if (run.tick)
		event_free(run.tick);
	if (run.sigint)
		event_free(run.sigint);
	if (run.sigterm)
		event_free(run.sigterm);
	free(run.dests);
	jsonw_free(&run.ow);
	dnsbl_report_free(run.bl_tests);
	st->elapsed_ms = util_now_ms() - run.started_ms;
	dns_resolver_stats(res, &st->dns);
	if (fflush(out) != 0)
		st->write_error = true;
	return st->write_error ? -1 : 0;
}

/* ---- parts of a parallel run ---- */

void
bulk_stats_merge(struct bulk_stats *into, const struct bulk_stats *part,
    bool primary)
{
	/* Every part reads every line: the input's own counts are the
	 * first part's, the addresses' are the sum. */
	if (primary) {
		into->lines = part->lines;
		into->input_errors = part->input_errors;
		into->targets = part->targets;
	}
	into->addresses += part->addresses;
	into->resumed += part->resumed;
	into->other_shard += part->other_shard;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(into->status); i++)
		into->status[i] += part->status[i];
	for (size_t i = 0; i < UTIL_ARRAY_LEN(into->iprev); i++)
		into->iprev[i] += part->iprev[i];
	into->tally.problems |= part->tally.problems;
	into->tally.temporary |= part->tally.temporary;
	for (size_t i = 0; i < part->ncodes; i++) {
		size_t k;

		for (k = 0; k < into->ncodes; k++)
			if (strcmp(into->codes[k].code, part->codes[i].code) == 0)
				break;
		if (k == into->ncodes) {
			if (into->ncodes == BULK_CODES_MAX)
				continue;
			into->codes[into->ncodes++] = part->codes[i];
		} else {
			into->codes[k].n += part->codes[i].n;
		}
	}
	into->interrupted |= part->interrupted;
	into->write_error |= part->write_error;
	if (part->elapsed_ms > into->elapsed_ms)
		into->elapsed_ms = part->elapsed_ms;
	into->dns.sent += part->dns.sent;
	into->dns.answered += part->dns.answered;
	into->dns.timeouts += part->dns.timeouts;
	into->dns.failures += part->dns.failures;
	into->dns.retried += part->dns.retried;
	into->dns.backoffs += part->dns.backoffs;
	into->dns.window += part->dns.window;
	into->dns.window_peak += part->dns.window_peak;
	into->dns.inflight_peak += part->dns.inflight_peak;
}

void
bulk_group_progress(struct bulk_group *g, unsigned nparts,
    long long input_size, long long started_ms, bool final)
{
	struct bulk_part_progress sum;
	long long now = util_now_ms(), least = -1;
	double secs = (double)(now - started_ms) / 1000.0, rate = 0;
	char eta[32] = "";

	memset(&sum, 0, sizeof(sum));
	pthread_mutex_lock(&g->lock);
	for (unsigned i = 0; i < nparts; i++) {
		const struct bulk_part_progress *pp = &g->parts[i];

		sum.addresses += pp->addresses;
		for (size_t k = 0; k < UTIL_ARRAY_LEN(sum.status); k++)
			sum.status[k] += pp->status[k];
		if (least < 0 || pp->consumed < least)
			least = pp->consumed;
	}
	sum.input_errors = g->parts[0].input_errors;
	pthread_mutex_unlock(&g->lock);
	if (secs > 0)
		rate = (double)sum.addresses / secs;
	/* Every part reads the whole input: the one furthest behind says
	 * how much is left. */
	if (input_size > 0 && least > 0 && secs > 0) {
		double left = secs * (double)(input_size - least) /
		    (double)least;

		snprintf(eta, sizeof(eta), ", ETA %ld:%02ld",
		    (long)left / 60, (long)left % 60);
	}
	bulk_progress_line(sum.addresses, rate, eta, sum.status,
	    sum.input_errors, final);
}

static int
bulk_code_cmp(const void *a, const void *b)
{
	const struct { char code[48]; unsigned long n; } *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->code, y->code);
}

void
bulk_stats_print(FILE *out, const struct bulk_stats *st)
{
	double secs = (double)st->elapsed_ms / 1000.0;
	struct bulk_stats sorted = *st;

	fprintf(out, "mxdiag bulk: %lu address%s checked in %.1f s (%.0f/s) "
	    "from %lu line%s", st->addresses, st->addresses == 1 ? "" : "es",
	    secs, secs > 0 ? (double)st->addresses / secs : 0.0, st->lines,
	    st->lines == 1 ? "" : "s");
	if (st->resumed)
		fprintf(out, "; %lu already done (--resume)", st->resumed);
	if (st->other_shard)
		fprintf(out, "; %lu left to other shards", st->other_shard);
	fprintf(out, "%s\n", st->interrupted ? " (interrupted)" : "");
	fputs("  verdicts:", out);
	for (int s = FINDING_PASS; s <= FINDING_SKIPPED; s++)
		if (st->status[s])
			fprintf(out, " %s %lu", finding_status_name(
			    (enum finding_status)s), st->status[s]);
	fprintf(out, "%s\n", st->addresses ? "" : " none");
	fputs("  iprev:", out);
	for (int r = IPREV_PASS; r <= IPREV_PERMERROR; r++)
		fprintf(out, " %s %lu", iprev_result_name((enum iprev_result)r),
		    st->iprev[r]);
	fputc('\n', out);
	if (st->input_errors)
		fprintf(out, "  input lines that are no target: %lu\n",
		    st->input_errors);
	qsort(sorted.codes, sorted.ncodes, sizeof(sorted.codes[0]),
	    bulk_code_cmp);
	if (sorted.ncodes > 0)
		fputs("  findings:\n", out);
	for (size_t i = 0; i < sorted.ncodes; i++)
		fprintf(out, "    %-28s %lu\n", sorted.codes[i].code,
		    sorted.codes[i].n);
	fprintf(out, "  DNS: %lu queries, %lu answered, %lu needed a retry, "
	    "%lu timed out; window %zu (peak %zu), halved %lu time%s\n",
	    st->dns.sent, st->dns.answered, st->dns.retried, st->dns.timeouts,
	    st->dns.window, st->dns.window_peak, st->dns.backoffs,
	    st->dns.backoffs == 1 ? "" : "s");
}

json_t *
bulk_stats_json(const struct bulk_stats *st, int exit_code)
{
	json_t *status = json_object(), *iprev = json_object(),
	    *codes = json_object();

	for (int s = FINDING_PASS; s <= FINDING_SKIPPED; s++)
		json_object_set_new(status, finding_status_name(
		    (enum finding_status)s), json_integer((json_int_t)
		    st->status[s]));
	for (int r = IPREV_PASS; r <= IPREV_PERMERROR; r++)
		json_object_set_new(iprev, iprev_result_name(
		    (enum iprev_result)r), json_integer((json_int_t)
		    st->iprev[r]));
	for (size_t i = 0; i < st->ncodes; i++)
		json_object_set_new(codes, st->codes[i].code,
		    json_integer((json_int_t)st->codes[i].n));
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, "
	    "s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:i}",
	    "schema", BULK_SUMMARY_SCHEMA,
	    "lines", (json_int_t)st->lines,
	    "targets", (json_int_t)st->targets,
	    "addresses", (json_int_t)st->addresses,
	    "input_errors", (json_int_t)st->input_errors,
	    "resumed", (json_int_t)st->resumed,
	    "other_shard", (json_int_t)st->other_shard,
	    "interrupted", st->interrupted,
	    "elapsed_ms", (json_int_t)st->elapsed_ms,
	    "status", status, "iprev", iprev, "findings", codes,
	    "dns", "queries", (json_int_t)st->dns.sent,
	    "answered", (json_int_t)st->dns.answered,
	    "retried", (json_int_t)st->dns.retried,
	    "timeouts", (json_int_t)st->dns.timeouts,
	    "backoffs", (json_int_t)st->dns.backoffs,
	    "window_peak", (json_int_t)st->dns.window_peak,
	    "exit_code", exit_code);
}

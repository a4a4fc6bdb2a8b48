/* SPDX-License-Identifier: MIT */
/*
 * Construction and teardown of findings. Kept apart from the checks so
 * that every check builds findings the same way and the renderers can rely
 * on every field being set (empty, never NULL, for strings).
 */
#include "report/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
	[FINDING_PASS] = "pass",
	[FINDING_INFO] = "info",
	[FINDING_WARNING] = "warning",
	[FINDING_FAIL] = "fail",
	[FINDING_TEMPERROR] = "temperror",
	[FINDING_PERMERROR] = "permerror",
	[FINDING_SKIPPED] = "skipped",
};

const char *
finding_status_name(enum finding_status st)
{
	if ((size_t)st < UTIL_ARRAY_LEN(status_names))
		return status_names[st];
	return "unknown";
}

struct finding *
finding_add(struct finding_list *fl, const char *code, enum finding_status st,
    const char *title_fmt, ...)
{
	struct finding *f = xcalloc(1, sizeof(*f));
	va_list ap;

	f->code = xstrdup(code);
	f->status = st;
	va_start(ap, title_fmt);
	f->title = xvasprintf(title_fmt, ap);
	va_end(ap);
	f->explanation = xstrdup("");
	finding_list_append(fl, f);
	return f;
}

void
finding_explain(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	free(f->explanation);
	va_start(ap, fmt);
	f->explanation = xvasprintf(fmt, ap);
	va_end(ap);
}

void
finding_trip(struct finding *f, const char *engine, const char *rule,
    const char *effect)
{
	struct finding_trip *t;

	f->trips = xreallocarray(f->trips, f->ntrips + 1, sizeof(*f->trips));
	t = &f->trips[f->ntrips++];
	t->engine = xstrdup(engine);
	t->rule = xstrdup(rule);
	t->effect = xstrdup(effect);
}

struct finding *
finding_list_find(const struct finding_list *fl, const char *code)
{
	for (size_t i = 0; i < fl->n; i++)
		if (strcmp(fl->v[i]->code, code) == 0)
			return fl->v[i];
	return NULL;
}

static void
finding_free(struct finding *f)
{
	free(f->code);
	free(f->title);
	free(f->explanation);
	strvec_clear(&f->evidence);
	strvec_clear(&f->remediation);
	strvec_clear(&f->references);
	for (size_t i = 0; i < f->ntrips; i++) {
		free(f->trips[i].engine);
		free(f->trips[i].rule);
		free(f->trips[i].effect);
	}
	free(f->trips);
	free(f);
}

void
finding_list_clear(struct finding_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		finding_free(fl->v[i]);
	free(fl->v);
	fl->v = NULL;
	fl->n = fl->cap = 0;
}

void
finding_list_append(struct finding_list *fl, struct finding *f)
{
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 8;
		fl->v = xreallocarray(fl->v, fl->cap, sizeof(*fl->v));
	}
	fl->v[fl->n++] = f;
}

struct finding *
finding_list_take(struct finding_list *fl, const char *code)
{
	for (size_t i = 0; i < fl->n; i++)
		if (strcmp(fl->v[i]->code, code) == 0) {
			struct finding *f = fl->v[i];

			memmove(&fl->v[i], &fl->v[i + 1],
			    (fl->n - i - 1) * sizeof(*fl->v));
			fl->n--;
			return f;
		}
	return NULL;
}

void
finding_list_move(struct finding_list *dst, struct finding_list *src)
{
	for (size_t i = 0; i < src->n; i++)
		finding_list_append(dst, src->v[i]);
	free(src->v);
	src->v = NULL;
	src->n = src->cap = 0;
}

/* Rank for "worst": a check that could not finish outranks a failure,
 * because the failure list may be incomplete. */
int
finding_status_rank(enum finding_status st)
{
	switch (st) {
	case FINDING_TEMPERROR:	return 6;
	case FINDING_PERMERROR:	return 5;
	case FINDING_FAIL:	return 4;
	case FINDING_WARNING:	return 3;
	case FINDING_INFO:	return 2;
	case FINDING_PASS:	return 1;
	case FINDING_SKIPPED:	return 0;
	}
	return 0;
}

bool
finding_status_is_problem(enum finding_status st)
{
	return st == FINDING_WARNING || st == FINDING_FAIL ||
	    st == FINDING_TEMPERROR || st == FINDING_PERMERROR;
}

enum finding_status
finding_list_worst(const struct finding_list *fl)
{
	enum finding_status worst = FINDING_SKIPPED;

	for (size_t i = 0; i < fl->n; i++)
		if (finding_status_rank(fl->v[i]->status) >
		    finding_status_rank(worst))
			worst = fl->v[i]->status;
	return worst;
}

void
finding_tally_add(struct finding_tally *t, const struct finding_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		switch (fl->v[i]->status) {
		case FINDING_FAIL:
		case FINDING_PERMERROR:
		case FINDING_WARNING:
			t->problems = true;
			break;
		case FINDING_TEMPERROR:
			t->temporary = true;
			break;
		default:
			break;
		}
}

int
finding_tally_exit(const struct finding_tally *t)
{
	return t->problems ? FINDING_EXIT_PROBLEMS : t->temporary ?
	    FINDING_EXIT_UNCHECKED : FINDING_EXIT_PASS;
}

int
finding_list_exit_code(const struct finding_list *fl)
{
	struct finding_tally t = { false, false };

	finding_tally_add(&t, fl);
	return finding_tally_exit(&t);
}

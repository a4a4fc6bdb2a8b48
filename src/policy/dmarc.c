/* SPDX-License-Identifier: MIT */
/*
 * The DMARC policy record: RFC 7489 §6.3 and its successor RFC 9989 §4.7.
 * Every known tag is validated on its own (a bad tag is ignored in favour
 * of its default, as both RFCs say), every absent tag gets its default,
 * and the effective policies follow RFC 9989 §4.10.1: a record without a
 * valid p (or with a bad sp/np) reads as p=none when it has a usable rua,
 * and is ignored otherwise.
 */
#include "policy/dmarc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

static const char *const dmarc_tag_names[DMARC_TAG_COUNT] = {
	"v", "p", "sp", "np", "adkim", "aspf", "pct", "fo", "rf", "ri",
	"rua", "ruf", "t", "psd",
};

/* Defaults as RFC 9989 (and RFC 7489 for pct, rf, ri) state them; NULL:
 * none (sp and np are derived from p below). */
static const char *const dmarc_defaults[DMARC_TAG_COUNT] = {
	NULL, "none", NULL, NULL, "r", "r", "100", "0", "afrf", "86400",
	NULL, NULL, "n", "u",
};

const char *
dmarc_tag_name(enum dmarc_tag_id id)
{
	return (unsigned)id < DMARC_TAG_COUNT ? dmarc_tag_names[id] : "?";
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_POLICY_NONE:
		return "none";
	case DMARC_POLICY_QUARANTINE:
		return "quarantine";
	case DMARC_POLICY_REJECT:
		return "reject";
	case DMARC_POLICY_UNSET:
		break;
	}
	return "(unset)";
}

static enum dmarc_policy
parse_policy(const char *v, size_t len)
{
	if (policy_word_eq(v, len, "none"))
		return DMARC_POLICY_NONE;
	if (policy_word_eq(v, len, "quarantine"))
		return DMARC_POLICY_QUARANTINE;
	if (policy_word_eq(v, len, "reject"))
		return DMARC_POLICY_REJECT;
	return DMARC_POLICY_UNSET;
}

static int
tag_lookup(const char *name)
{
	for (int i = 0; i < DMARC_TAG_COUNT; i++)
		if (strcasecmp(name, dmarc_tag_names[i]) == 0)
			return i;
	return -1;
}

static void
tag_invalid(struct dmarc_tag *t, const char *why)
{
	t->valid = false;
	free(t->error);
	t->error = xstrdup(why);
}

/* fo: 0 / 1 / d / s, colon-separated, each at most once, 0 and 1 not
 * together (RFC 9989 §4.8 dmarc-fo). */
static bool
parse_fo(const char *v, size_t len, unsigned *out, const char **why)
{
	unsigned fo = 0;
	size_t i = 0;

	while (i <= len) {
		size_t s = i, e;
		unsigned bit;

		while (i < len && v[i] != ':')
			i++;
		e = i;
		while (s < e && (v[s] == ' ' || v[s] == '\t'))
			s++;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s != 1) {
			*why = "fo takes 0, 1, d and s, separated by ':'";
			return false;
		}
		switch (tolower((unsigned char)v[s])) {
		case '0': bit = DMARC_FO_0; break;
		case '1': bit = DMARC_FO_1; break;
		case 'd': bit = DMARC_FO_D; break;
		case 's': bit = DMARC_FO_S; break;
		default:
			*why = "fo takes 0, 1, d and s, separated by ':'";
			return false;
		}
		if (fo & bit) {
			*why = "an fo option appears twice";
			return false;
		}
		fo |= bit;
		i++;
	}
	if ((fo & DMARC_FO_0) && (fo & DMARC_FO_1)) {
		*why = "fo=0 and fo=1 exclude each other";
		return false;
	}
	*out = fo;
	return true;
}

static bool
parse_number(const char *v, size_t len, size_t maxdigits,
    unsigned long *out)
{
	unsigned long n = 0;

	if (len == 0 || len > maxdigits)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			return false;
		n = n * 10 + (unsigned long)(v[i] - '0');
	}
	*out = n;
	return true;
}

static bool
one_of(const char *v, size_t len, const char *a, const char *b,
    const char *c)
{
	return policy_word_eq(v, len, a) || policy_word_eq(v, len, b) ||
	    (c != NULL && policy_word_eq(v, len, c));
}

/* Validate one explicit tag's value; sets the effective field of rec. */
static void
tag_check(struct dmarc_record *rec, enum dmarc_tag_id id, const char *v,
    size_t len)
{
	struct dmarc_tag *t = &rec->tags[id];
	const char *why = NULL;
	unsigned long n;

	t->valid = true;
	if (len == 0) {
		tag_invalid(t, "the value is empty");
		return;
	}
	switch (id) {
	case DMARC_TAG_V:
		break;
	case DMARC_TAG_P:
	case DMARC_TAG_SP:
	case DMARC_TAG_NP:
		if (parse_policy(v, len) == DMARC_POLICY_UNSET)
			tag_invalid(t, "must be none, quarantine or reject");
		break;
	case DMARC_TAG_ADKIM:
	case DMARC_TAG_ASPF:
		if (one_of(v, len, "r", "s", NULL))
			*(id == DMARC_TAG_ADKIM ? &rec->adkim : &rec->aspf) =
			    (char)tolower((unsigned char)v[0]);
		else
			tag_invalid(t, "must be r (relaxed) or s (strict)");
		break;
	case DMARC_TAG_PCT:
		if (parse_number(v, len, 3, &n) && n <= 100)
			rec->pct = (int)n;
		else
			tag_invalid(t, "must be a whole number from 0 to 100");
		break;
	case DMARC_TAG_FO:
		if (!parse_fo(v, len, &rec->fo, &why))
			tag_invalid(t, why);
		break;
	case DMARC_TAG_RF: {
		size_t i = 0;

		while (i <= len) {
			size_t s = i;

			while (i < len && v[i] != ':')
				i++;
			if (!policy_word_eq(v + s, i - s, "afrf")) {
				tag_invalid(t, "the only failure report "
				    "format defined is afrf");
				break;
			}
			i++;
		}
		break;
	}
	case DMARC_TAG_RI:
		if (parse_number(v, len, 10, &n) && n <= 4294967295UL)
			rec->ri = n;
		else
			tag_invalid(t, "must be a number of seconds "
			    "(32-bit)");
		break;
	case DMARC_TAG_RUA:
	case DMARC_TAG_RUF: {
		struct policy_uri_list *l = id == DMARC_TAG_RUA ? &rec->rua :
		    &rec->ruf;

		policy_uri_list_clear(l);
		policy_uri_list_parse(v, len, POLICY_URI_F_SIZE, l);
		for (size_t i = 0; i < l->n; i++)
			if (!l->v[i].valid) {
				tag_invalid(t, l->v[i].error);
				break;
			}
		if (t->valid && l->n == 0)
			tag_invalid(t, "no URI in the list");
		break;
	}
	case DMARC_TAG_T:
		if (one_of(v, len, "y", "n", NULL))
			rec->testing = tolower((unsigned char)v[0]) == 'y';
		else
			tag_invalid(t, "must be y or n");
		break;
	case DMARC_TAG_PSD:
		if (one_of(v, len, "y", "n", "u"))
			rec->psd = (char)tolower((unsigned char)v[0]);
		else
			tag_invalid(t, "must be y, n or u");
		break;
	case DMARC_TAG_COUNT:
		break;
	}
}

static bool
has_usable_uri(const struct policy_uri_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].valid)
			return true;
	return false;
}

static void
set_default(struct dmarc_tag *t, const char *value)
{
	if (t->explicit)
		return;
	free(t->value);
	t->value = value ? xstrdup(value) : NULL;
	t->valid = true;
}

/* Effective policies and the defaults shown for absent tags. */
static void
record_finish(struct dmarc_record *rec)
{
	struct dmarc_tag *tp = &rec->tags[DMARC_TAG_P],
	    *tsp = &rec->tags[DMARC_TAG_SP], *tnp = &rec->tags[DMARC_TAG_NP];
	enum dmarc_policy p = DMARC_POLICY_UNSET, sp, np;

	if (tp->explicit && tp->valid)
		p = parse_policy(tp->value, strlen(tp->value));
	rec->p_missing = !tp->explicit;
	rec->unenforced = p == DMARC_POLICY_UNSET ||
	    (tsp->explicit && !tsp->valid) || (tnp->explicit && !tnp->valid);
	if (rec->unenforced) {
		/* RFC 9989 §4.10.1 (RFC 7489 §6.6.3): as if "p=none". */
		rec->ignored = !has_usable_uri(&rec->rua);
		p = sp = np = DMARC_POLICY_NONE;
	} else {
		sp = tsp->explicit ? parse_policy(tsp->value,
		    strlen(tsp->value)) : p;
		np = tnp->explicit ? parse_policy(tnp->value,
		    strlen(tnp->value)) : sp;
	}
	rec->p = p;
	rec->sp = sp;
	rec->np = np;
	set_default(tp, "none");
	set_default(tsp, dmarc_policy_name(sp));
	set_default(tnp, dmarc_policy_name(np));
	for (int i = DMARC_TAG_ADKIM; i < DMARC_TAG_COUNT; i++)
		set_default(&rec->tags[i], dmarc_defaults[i]);
	rec->valid = rec->is_dmarc && rec->syntax.n == 0 &&
	    rec->duplicates.n == 0;
	for (int i = 0; i < DMARC_TAG_COUNT; i++)
		if (rec->tags[i].explicit && !rec->tags[i].valid)
			rec->valid = false;
}

bool
dmarc_record_parse(const char *text, size_t len, struct dmarc_record *rec)
{
	static const struct tagvalue_limits lim = {
		TAGVALUE_INPUT_MAX, TAGVALUE_TAGS_MAX, TAGVALUE_NAME_MAX,
		TAGVALUE_VALUE_MAX, true,
	};
	struct tagvalue_list tl;
	const struct tagvalue_tag *first;

	memset(rec, 0, sizeof(*rec));
	rec->text = policy_printable_dup(text, len);
	rec->adkim = rec->aspf = 'r';
	rec->pct = 100;
	rec->fo = DMARC_FO_0;
	rec->ri = 86400;
	rec->psd = 'u';
	rec->tv_status = tagvalue_parse(text, len, &lim, &tl);
	first = tl.ntags > 0 ? &tl.tags[0] : NULL;
	if (first == NULL || first->flags & TAGVALUE_F_ERRORS ||
	    strcasecmp(first->name, "v") != 0 ||
	    first->value_len != 6 || memcmp(first->value, "DMARC1", 6) != 0) {
		tagvalue_list_clear(&tl);
		record_finish(rec);
		return false;
	}
	rec->is_dmarc = true;
	rec->tags[DMARC_TAG_V].explicit = true;
	rec->tags[DMARC_TAG_V].valid = true;
	rec->tags[DMARC_TAG_V].value = xstrdup("DMARC1");
	if (tl.status == TAGVALUE_E_TOOMANY)
		strvec_pushf(&rec->syntax, "more than %d tags (the rest "
		    "ignored)", TAGVALUE_TAGS_MAX);
	if (tl.flags & TAGVALUE_L_EMPTY_SPEC)
		strvec_push(&rec->syntax, "an empty tag between two ';'");
	for (size_t i = 1; i < tl.ntags; i++) {
		const struct tagvalue_tag *t = &tl.tags[i];
		char *pname = policy_printable_dup(t->name, t->name_len);
		int id;

		if (t->flags & TAGVALUE_F_DUPLICATE) {
			if (!strvec_contains_name(&rec->duplicates, pname))
				strvec_push(&rec->duplicates, pname);
		} else if (t->flags & TAGVALUE_F_ERRORS) {
			strvec_pushf(&rec->syntax, "\"%s\": %s", pname,
			    tagvalue_problem(t->flags));
		} else if ((id = tag_lookup(t->name)) < 0) {
			strvec_push(&rec->unknown, pname);
		} else if (id != DMARC_TAG_V) {
			struct dmarc_tag *dt = &rec->tags[id];

			dt->explicit = true;
			dt->value = policy_printable_dup(t->value,
			    t->value_len);
			tag_check(rec, (enum dmarc_tag_id)id, t->value,
			    t->value_len);
			if (id == DMARC_TAG_P && i != 1)
				rec->p_not_second = true;
		}
		free(pname);
	}
	tagvalue_list_clear(&tl);
	record_finish(rec);
	return true;
}

bool
dmarc_text_is_dmarc(const char *text, size_t len)
{
	struct dmarc_record rec;
	bool is;

	is = dmarc_record_parse(text, len, &rec);
	dmarc_record_clear(&rec);
	return is;
}

void
dmarc_record_clear(struct dmarc_record *rec)
{
	if (rec == NULL)
		return;
	free(rec->text);
	for (int i = 0; i < DMARC_TAG_COUNT; i++) {
		free(rec->tags[i].value);
		free(rec->tags[i].error);
	}
	policy_uri_list_clear(&rec->rua);
	policy_uri_list_clear(&rec->ruf);
	strvec_clear(&rec->unknown);
	strvec_clear(&rec->syntax);
	strvec_clear(&rec->duplicates);
	memset(rec, 0, sizeof(*rec));
}

/* Append the usable URIs of l (or their obvious corrections) to *s. */
static size_t
suggest_uris(char **s, const struct policy_uri_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		const char *u = l->v[i].valid ? l->v[i].text :
		    l->v[i].suggestion;
		char *next;

		if (u == NULL)
			continue;
		next = xasprintf("%s%s%s", *s, n ? "," : "", u);
		free(*s);
		*s = next;
		n++;
	}
	return n;
}

static void
suggest_append(char **s, const char *name, const char *value)
{
	char *next = xasprintf("%s; %s=%s", *s, name, value);

	free(*s);
	*s = next;
}

char *
dmarc_record_suggest(const struct dmarc_record *rec, const char *rua_default)
{
	static const enum dmarc_tag_id keep[] = {
		DMARC_TAG_SP, DMARC_TAG_NP, DMARC_TAG_ADKIM, DMARC_TAG_ASPF,
		DMARC_TAG_PCT, DMARC_TAG_T, DMARC_TAG_PSD,
	};
	const struct dmarc_tag *tp = &rec->tags[DMARC_TAG_P];
	const char *p = "none";
	char *s, *list;

	if (tp->explicit && tp->valid)
		p = dmarc_policy_name(rec->p);
	else if (tp->explicit && tp->value != NULL &&
	    strncasecmp(tp->value, "rej", 3) == 0)
		p = "reject";
	else if (tp->explicit && tp->value != NULL &&
	    strncasecmp(tp->value, "quar", 4) == 0)
		p = "quarantine";
	s = xasprintf("v=DMARC1; p=%s", p);
	for (size_t i = 0; i < UTIL_ARRAY_LEN(keep); i++) {
		const struct dmarc_tag *t = &rec->tags[keep[i]];

		if (!t->explicit || !t->valid)
			continue;
		suggest_append(&s, dmarc_tag_name(keep[i]), t->value);
	}
	list = xstrdup("");
	if (suggest_uris(&list, &rec->rua) == 0 && rua_default != NULL) {
		free(list);
		list = xstrdup(rua_default);
	}
	if (list[0])
		suggest_append(&s, "rua", list);
	free(list);
	list = xstrdup("");
	if (suggest_uris(&list, &rec->ruf) > 0) {
		suggest_append(&s, "ruf", list);
		if (rec->tags[DMARC_TAG_FO].explicit &&
		    rec->tags[DMARC_TAG_FO].valid)
			suggest_append(&s, "fo",
			    rec->tags[DMARC_TAG_FO].value);
	}
	free(list);
	return s;
}

/* SPDX-License-Identifier: MIT */
/*
 * The SPF report. Text draws the include tree as the evaluation walks it:
 * each term with its place in the lookup count (#N), what lies below an
 * include (+M), and, with an address, whether it matched. JSON carries the
 * same tree. Strings from DNS were made printable where they entered;
 * jstr() re-checks, since JSON needs valid UTF-8.
 */
#include "spf/render.h"

#include <stdlib.h>
#include <string.h>

#include "spf/record.h"

#define C_RESET	"\033[0m"
#define C_BOLD	"\033[1m"
#define C_DIM	"\033[2m"
#define C_RED	"\033[31m"
#define C_GREEN	"\033[32m"

static const char *
col(const struct report_style *st, const char *code)
{
	return st->color ? code : "";
}

/* A JSON string of s, escaped when it is not printable ASCII. */
static json_t *
jstr(const char *s)
{
	char buf[8192];

	if (s == NULL)
		return json_null();
	for (const char *p = s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e) {
			util_printable(buf, sizeof(buf), s, strlen(s));
			return json_string(buf);
		}
	return json_string(s);
}

static const char *
via_name(enum spf_via v)
{
	switch (v) {
	case SPF_VIA_ROOT:	return "root";
	case SPF_VIA_INCLUDE:	return "include";
	case SPF_VIA_REDIRECT:	return "redirect";
	}
	return "?";
}

static const char *
fetch_name(enum spf_fetch f)
{
	switch (f) {
	case SPF_FETCH_PENDING:		return "not_fetched";
	case SPF_FETCH_RECORD:		return "record";
	case SPF_FETCH_NONE:		return "none";
	case SPF_FETCH_BADNAME:		return "malformed_name";
	case SPF_FETCH_MULTIPLE:	return "multiple";
	case SPF_FETCH_SYNTAX:		return "syntax_error";
	case SPF_FETCH_TEMPERROR:	return "temperror";
	}
	return "?";
}

static json_t *
json_term(const struct spf_check *c, const struct spf_node *n, size_t i)
{
	const struct spf_term *t = &n->rec->terms[i];
	const struct spf_term_info *ti = &n->terms[i];
	char q[2] = { spf_qual_char(t->qual), '\0' };
	json_t *o = json_object();

	json_object_set_new(o, "term", jstr(t->text));
	json_object_set_new(o, "kind", json_string(spf_kind_name(t->kind)));
	json_object_set_new(o, "qualifier", spf_term_is_mechanism(t) ?
	    json_string(q) : json_null());
	json_object_set_new(o, "target", jstr(ti->target));
	json_object_set_new(o, "lookups", json_integer(ti->lookups));
	json_object_set_new(o, "running_total", ti->lookups ?
	    json_integer(ti->running) : json_null());
	json_object_set_new(o, "tips_limit", json_boolean(c->tip_node == n &&
	    c->tip_term == i));
	json_object_set_new(o, "void", json_boolean(ti->audit_void ||
	    ti->void_lookup));
	json_object_set_new(o, "state", c->evaluated ?
	    json_string(spf_term_state_name(ti->state)) : json_null());
	json_object_set_new(o, "note", jstr(ti->note));
	json_object_set_new(o, "eval_note", jstr(ti->eval_note));
	json_object_set_new(o, "child", ti->child ?
	    spf_render_json_node(c, ti->child) : json_null());
	return o;
}

json_t *
spf_render_json_node(const struct spf_check *c, const struct spf_node *n)
{
	json_t *o = json_object(), *terms = json_array(), *recs = json_array();

	json_object_set_new(o, "domain", jstr(n->domain));
	json_object_set_new(o, "via", json_string(via_name(n->via)));
	json_object_set_new(o, "fetch", json_string(fetch_name(n->fetch)));
	json_object_set_new(o, "detail", jstr(n->detail));
	json_object_set_new(o, "record", jstr(n->printable));
	for (size_t i = 0; i < n->spf_texts.n; i++)
		json_array_append_new(recs, jstr(n->spf_texts.v[i]));
	json_object_set_new(o, "records", recs);
	json_object_set_new(o, "strings", json_integer(n->nstrings));
	json_object_set_new(o, "txt_records", json_integer(
	    (json_int_t)n->txt_records));
	json_object_set_new(o, "txt_octets", json_integer(
	    (json_int_t)n->txt_octets));
	json_object_set_new(o, "draft", json_boolean(n->draft));
	json_object_set_new(o, "lookups", json_integer(n->subtree_lookups));
	json_object_set_new(o, "unlisted_result", n->audit_done ?
	    json_string(spf_result_name(n->audit_result)) : json_null());
	json_object_set_new(o, "result", n->evaluated ?
	    json_string(spf_result_name(n->result)) : json_null());
	if (n->fetch == SPF_FETCH_SYNTAX)
		json_object_set_new(o, "error", json_pack("{s:o, s:o, s:I}",
		    "message", jstr(n->perr.message), "term",
		    jstr(n->perr.term), "offset", (json_int_t)n->perr.offset));
	else
		json_object_set_new(o, "error", json_null());
	if (n->fetch == SPF_FETCH_RECORD)
		for (size_t i = 0; i < n->rec->nterms; i++)
			json_array_append_new(terms, json_term(c, n, i));
	json_object_set_new(o, "terms", terms);
	return o;
}

json_t *
spf_render_json(const struct spf_check *c, const struct finding_list *fl,
    int exit_code)
{
	json_t *o = json_object(), *tip = json_null();
	enum finding_status worst = finding_list_worst(fl);

	if (c->tip_node != NULL) {
		const struct spf_node *top = c->tip_node;
		size_t tt = c->tip_term;

		while (top->parent != NULL) {
			tt = top->parent_term;
			top = top->parent;
		}
		tip = json_pack("{s:o, s:o, s:o}", "domain",
		    jstr(c->tip_node->domain), "term",
		    jstr(c->tip_node->rec->terms[c->tip_term].text),
		    "top_level_term", jstr(top->rec->terms[tt].text));
	}
	json_object_set_new(o, "schema", json_string(SPF_JSON_SCHEMA));
	json_object_set_new(o, "version", json_string("0.1.0"));
	json_object_set_new(o, "domain", jstr(c->domain));
	json_object_set_new(o, "sender", jstr(c->sender));
	json_object_set_new(o, "helo", jstr(c->helo));
	json_object_set_new(o, "ip", c->has_ip ? json_string(c->ip_text) :
	    json_null());
	json_object_set_new(o, "draft", json_boolean(c->draft != NULL));
	json_object_set_new(o, "mode", json_string(c->has_ip ? "check_host" :
	    "audit"));
	json_object_set_new(o, "result",
	    json_string(spf_result_name(spf_check_result(c))));
	json_object_set_new(o, "explanation", jstr(c->explanation));
	json_object_set_new(o, "reason", jstr(c->has_ip ? c->reason :
	    c->audit_reason));
	json_object_set_new(o, "lookups", json_integer(c->has_ip ?
	    c->lookups : c->audit_lookups));
	json_object_set_new(o, "void_lookups", json_integer(c->has_ip ?
	    c->voids : c->audit_voids));
	json_object_set_new(o, "lookup_limit", json_integer(SPF_LOOKUP_LIMIT));
	json_object_set_new(o, "void_limit", json_integer(SPF_VOID_LIMIT));
	json_object_set_new(o, "tree_lookups", c->audited ?
	    json_integer(c->audit_lookups) : json_null());
	json_object_set_new(o, "unlisted_result", c->audited ?
	    json_string(spf_result_name(c->audit_result)) : json_null());
	json_object_set_new(o, "tipping_term", tip);
	json_object_set_new(o, "complete", json_boolean(!c->partial &&
	    !c->capped));
	json_object_set_new(o, "tree", spf_render_json_node(c, c->root));
	json_object_set_new(o, "findings", report_json_findings(fl));
	json_object_set_new(o, "summary", json_pack("{s:s, s:i}", "status",
	    finding_status_name(worst), "exit_code", exit_code));
	return o;
}

/* ------------------------------------------------------------------ */

static void
text_node(FILE *out, const struct spf_check *c, const struct spf_node *n,
    int indent, const struct report_style *st)
{
	fprintf(out, "%*s%s%s%s", indent, "", col(st, C_BOLD), n->domain,
	    col(st, C_RESET));
	if (n->via != SPF_VIA_ROOT)
		fprintf(out, " %s(%s)%s", col(st, C_DIM), via_name(n->via),
		    col(st, C_RESET));
	if (n->fetch == SPF_FETCH_RECORD && c->audited)
		fprintf(out, "  [%u lookup%s]", n->subtree_lookups,
		    n->subtree_lookups == 1 ? "" : "s");
	if (n->evaluated)
		fprintf(out, "  -> %s", spf_result_name(n->result));
	fputc('\n', out);
	if (n->printable != NULL)
		fprintf(out, "%*s\"%s\"%s\n", indent + 2, "", n->printable,
		    n->draft ? " (draft)" : "");
	if (n->fetch != SPF_FETCH_RECORD) {
		fprintf(out, "%*s%s%s: %s%s\n", indent + 2, "", col(st, C_RED),
		    fetch_name(n->fetch), n->detail ? n->detail : "",
		    col(st, C_RESET));
		return;
	}
	for (size_t i = 0; i < n->rec->nterms; i++) {
		const struct spf_term *t = &n->rec->terms[i];
		const struct spf_term_info *ti = &n->terms[i];
		const char *note = ti->eval_note ? ti->eval_note : ti->note;
		char count[32] = "";
		bool tip = c->tip_node == n && c->tip_term == i;

		if (ti->lookups)
			snprintf(count, sizeof(count), "#%u", ti->running);
		if (ti->child != NULL && ti->child->subtree_lookups)
			snprintf(count + strlen(count), sizeof(count) -
			    strlen(count), " +%u", ti->child->subtree_lookups);
		/* Pad the columns only when something follows them. */
		if (count[0] == '\0' && !c->evaluated && note == NULL && !tip)
			fprintf(out, "%*s%s", indent + 2, "", t->text);
		else if (!c->evaluated && note == NULL && !tip)
			fprintf(out, "%*s%-34s %s", indent + 2, "", t->text,
			    count);
		else
			fprintf(out, "%*s%-34s %-9s", indent + 2, "", t->text,
			    count);
		if (c->evaluated && spf_term_is_mechanism(t)) {
			const char *sc = ti->state == SPF_TERM_MATCH ?
			    C_GREEN : ti->state == SPF_TERM_NO_MATCH ? "" :
			    ti->state == SPF_TERM_NOT_EVALUATED ? C_DIM : C_RED;

			fprintf(out, " %s%s%s", col(st, sc),
			    spf_term_state_name(ti->state), col(st, C_RESET));
		}
		if (note != NULL)
			fprintf(out, "  %s%s%s", col(st, C_DIM), note,
			    col(st, C_RESET));
		if (tip)
			fprintf(out, "  %s<- lookup 11: over the limit%s",
			    col(st, C_RED), col(st, C_RESET));
		fputc('\n', out);
		if (ti->child != NULL)
			text_node(out, c, ti->child, indent + 4, st);
	}
}

void
spf_render_text(FILE *out, const struct spf_check *c,
    const struct finding_list *fl, const struct report_style *st)
{
	enum spf_result r = spf_check_result(c);

	fprintf(out, "%sSPF %s%s%s\n", col(st, C_BOLD), c->domain,
	    c->draft ? " (draft record)" : "", col(st, C_RESET));
	fprintf(out, "  sender %s, HELO %s, address %s\n", c->sender,
	    c->helo ? c->helo : "(not given)", c->has_ip ? c->ip_text :
	    "(none: the whole tree, as for an unlisted address)");
	fprintf(out, "  result: %s%s%s", col(st, C_BOLD), spf_result_name(r),
	    col(st, C_RESET));
	if (c->has_ip ? c->reason != NULL : c->audit_reason != NULL)
		fprintf(out, "  (%s)", c->has_ip ? c->reason : c->audit_reason);
	fputc('\n', out);
	if (c->explanation != NULL)
		fprintf(out, "  explanation (from the domain): %s\n",
		    c->explanation);
	if (c->has_ip)
		fprintf(out, "  lookups: %u of %d evaluated, void lookups: %u "
		    "of %d", c->lookups, SPF_LOOKUP_LIMIT, c->voids,
		    SPF_VOID_LIMIT);
	else
		fprintf(out, "  lookups: %u (limit %d), void lookups: %u (limit "
		    "%d)", c->audit_lookups, SPF_LOOKUP_LIMIT, c->audit_voids,
		    SPF_VOID_LIMIT);
	if (c->has_ip && c->audited)
		fprintf(out, "; the whole tree needs %u", c->audit_lookups);
	fputs("\n\n", out);
	text_node(out, c, c->root, 2, st);
	fputc('\n', out);
	for (size_t i = 0; i < fl->n; i++)
		report_text_finding(out, fl->v[i], st);
}

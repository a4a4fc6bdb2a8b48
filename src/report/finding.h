/* SPDX-License-Identifier: MIT */
/*
 * The findings model shared by every check and every front end. A finding
 * is one observation with a stable dotted code, a status, an explanation,
 * the evidence behind it, ordered remediation steps and the receiver rules
 * it would trip. Checks produce them; report/text.c and report/json.c
 * render them. All strings are owned by the finding.
 */
#ifndef MXDIAG_REPORT_FINDING_H
#define MXDIAG_REPORT_FINDING_H

#include <stddef.h>

#include "util/util.h"

enum finding_status {
	FINDING_PASS = 0,
	FINDING_INFO,
	FINDING_WARNING,
	FINDING_FAIL,
	FINDING_TEMPERROR,
	FINDING_PERMERROR,
	FINDING_SKIPPED,
};

const char *finding_status_name(enum finding_status st);

/* A receiving-side rule that this finding would trip. */
struct finding_trip {
	char	*engine;	/* "postfix", "rspamd", "spamassassin", "mailbox-providers" */
	char	*rule;		/* "reject_unknown_client_hostname" */
	char	*effect;	/* "450 4.7.25 Client host rejected: ..." */
};

struct finding {
	char			*code;		/* "ptr.none" */
	enum finding_status	 status;
	char			*title;
	char			*explanation;
	struct strvec		 evidence;	/* "key: value" lines, printable */
	struct strvec		 remediation;	/* ordered steps */
	size_t			 ntrips;
	struct finding_trip	*trips;
	struct strvec		 references;	/* "RFC 8601 §3", URLs */
};

struct finding_list {
	size_t		  n;
	size_t		  cap;
	struct finding	**v;
};

/* Append a new finding (code and title copied; title is printf-style) and
 * return it for the caller to fill. The list owns it. */
struct finding *finding_add(struct finding_list *fl, const char *code,
    enum finding_status st, const char *title_fmt, ...)
    __attribute__((format(printf, 4, 5)));
void finding_explain(struct finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void finding_trip(struct finding *f, const char *engine, const char *rule,
    const char *effect);
struct finding *finding_list_find(const struct finding_list *fl,
    const char *code);
void finding_list_clear(struct finding_list *fl);
/* Remove the finding with code from fl and return it (the caller owns
 * it now), or NULL. */
struct finding *finding_list_take(struct finding_list *fl, const char *code);
/* Append f; the list owns it. */
void finding_list_append(struct finding_list *fl, struct finding *f);
/* Move every finding of src to the end of dst; src is left empty. */
void finding_list_move(struct finding_list *dst, struct finding_list *src);

/* The worst status in the list, by the order of severity used for exit
 * codes: temperror > permerror > fail > warning > info > pass > skipped. */
enum finding_status finding_list_worst(const struct finding_list *fl);
/* That order: higher is worse (temperror highest: a check that could not
 * finish may hide a failure). */
int finding_status_rank(enum finding_status st);
/* Warning, fail, temperror and permerror: what needs someone's attention. */
bool finding_status_is_problem(enum finding_status st);

/*
 * The shared exit convention from findings, for the CLI's exit status and
 * the "exit_code" of every JSON report: any fail, permerror or warning is
 * a problem (1); otherwise any temperror means the run could not be
 * completed (2); else 0. Fold several lists into one tally.
 */
#define FINDING_EXIT_PASS	0
#define FINDING_EXIT_PROBLEMS	1
#define FINDING_EXIT_UNCHECKED	2
struct finding_tally {
	bool	problems;
	bool	temporary;
};
void finding_tally_add(struct finding_tally *t, const struct finding_list *fl);
/* FINDING_EXIT_*. */
int finding_tally_exit(const struct finding_tally *t);
/* The exit code of one list (FINDING_EXIT_*). */
int finding_list_exit_code(const struct finding_list *fl);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Findings of an SPF check: what the result and the include tree mean for
 * the domain's mail, how to fix each problem with exact record edits, and
 * which receiver rules it trips. Pure: reads a finished struct spf_check.
 */
#ifndef MXDIAG_SPF_JUDGE_H
#define MXDIAG_SPF_JUDGE_H

#include "report/finding.h"
#include "spf/eval.h"

/* Append the findings of c (finished) to fl: the result for the address
 * first, then the record and its tree, then what passed. */
void spf_judge(const struct spf_check *c, struct finding_list *fl);

/* The finding status an SPF result maps to for the address checked:
 * pass, fail, warning (softfail, neutral), temperror, permerror. */
enum finding_status spf_result_status(enum spf_result r);

#endif

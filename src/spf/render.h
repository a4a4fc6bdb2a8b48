/* SPDX-License-Identifier: MIT */
/*
 * Rendering an SPF check for people (the include tree with each term's
 * lookup count and outcome, then the findings) and for programs (JSON,
 * schema "mxdiag.spf/1", described in docs/findings-spf.md). No I/O but
 * writing to the stream given.
 */
#ifndef MXDIAG_SPF_RENDER_H
#define MXDIAG_SPF_RENDER_H

#include <jansson.h>
#include <stdio.h>

#include "report/finding.h"
#include "report/report.h"
#include "spf/eval.h"

#define SPF_JSON_SCHEMA	"mxdiag.spf/1"

/* A new JSON document (caller owns it). exit_code is the command's. */
json_t *spf_render_json(const struct spf_check *c,
    const struct finding_list *fl, int exit_code);

/* One node and everything below it, as JSON (caller owns it). */
json_t *spf_render_json_node(const struct spf_check *c,
    const struct spf_node *n);

void spf_render_text(FILE *out, const struct spf_check *c,
    const struct finding_list *fl, const struct report_style *st);

#endif

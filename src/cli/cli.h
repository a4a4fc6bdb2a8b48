/* SPDX-License-Identifier: MIT */
/*
 * Subcommands of the mxdiag binary and the exit statuses they share.
 */
#ifndef MXDIAG_CLI_CLI_H
#define MXDIAG_CLI_CLI_H

#include <stdio.h>

/* Exit statuses, documented in the README and `mxdiag --help`. */
#define EXIT_PASS	0	/* every check passed */
#define EXIT_PROBLEMS	1	/* at least one problem found */
#define EXIT_UNCHECKED	2	/* some checks could not be completed */
#define EXIT_USAGE	64	/* EX_USAGE: bad command line */
#define EXIT_SOFTWARE	70	/* EX_SOFTWARE: internal error */

int cmd_check(int argc, char **argv);
void cmd_check_usage(FILE *out);
int cmd_tls(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_mx(int argc, char **argv);
int cmd_dkim(int argc, char **argv);
void cmd_dkim_usage(FILE *out);
int cmd_bl(int argc, char **argv);
void cmd_bl_usage(FILE *out);
int cmd_dmarc(int argc, char **argv);
int cmd_bimi(int argc, char **argv);
int cmd_spf(int argc, char **argv);
void cmd_spf_usage(FILE *out);
int cmd_bulk(int argc, char **argv);
void cmd_bulk_usage(FILE *out);
int cmd_policyd(int argc, char **argv);
void cmd_policyd_usage(FILE *out);
int cmd_mcp(int argc, char **argv);
void cmd_mcp_usage(FILE *out);
int cmd_serve(int argc, char **argv);
void cmd_serve_usage(FILE *out);
/* subcommand entry points: add yours above this line */

#endif

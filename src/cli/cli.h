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
/* subcommand entry points: add yours above this line */

#endif

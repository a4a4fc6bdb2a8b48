/* SPDX-License-Identifier: MIT */
/*
 * Command-line targets: "192.0.2.1", "2001:db8::1", "[2001:db8::1]:2525",
 * "mail.example.com", "mail.example.com:2525". Pure parsing, no lookups.
 */
#ifndef MXDIAG_CLI_TARGET_H
#define MXDIAG_CLI_TARGET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

struct target {
	char	host[256];	/* address text or hostname, no brackets */
	int	port;		/* the default unless the spec names one */
	bool	port_given;
	int	af;		/* AF_INET, AF_INET6, or AF_UNSPEC for a name */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} addr;
};

/* Returns 0, or -1 with a message in err. */
int target_parse(const char *spec, int default_port, struct target *t,
    char *err, size_t errlen);

#endif

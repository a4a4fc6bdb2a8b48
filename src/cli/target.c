/* SPDX-License-Identifier: MIT */
/*
 * Parsing of command-line targets. A bare IPv6 address has colons of its
 * own, so a port can only follow one in brackets; a name or IPv4 address
 * takes ":PORT".
 */
#include "cli/target.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply.h"
#include "util/util.h"

static int
target_port(const char *s, int *port)
{
	char *end;
	long p;

	if (*s == '\0')
		return -1;
	p = strtol(s, &end, 10);
	if (*end != '\0' || p < 1 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

/* RFC 3696 §2: a top-level label is never all digits, so "192.0.2.256"
 * is a bad address, not a hostname. */
static bool
target_numeric_tld(const char *host)
{
	size_t len = strlen(host);
	const char *tld;

	if (len > 0 && host[len - 1] == '.')
		len--;
	tld = host + len;
	while (tld > host && tld[-1] != '.')
		tld--;
	if (tld == host + len)
		return false;
	for (const char *p = tld; p < host + len; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

int
target_parse(const char *spec, int default_port, struct target *t,
    char *err, size_t errlen)
{
	const char *colon;
	char shown[128];
	size_t len;

	memset(t, 0, sizeof(*t));
	t->port = default_port;
	t->af = AF_UNSPEC;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (end == NULL)
			goto bad;
		len = (size_t)(end - spec - 1);
		if (len == 0 || len >= sizeof(t->host))
			goto bad;
		memcpy(t->host, spec + 1, len);
		t->host[len] = '\0';
		if (inet_pton(AF_INET6, t->host, &t->addr.v6) != 1)
			goto bad;
		t->af = AF_INET6;
		if (end[1] == ':') {
			if (target_port(end + 2, &t->port) != 0)
				goto badport;
			t->port_given = true;
		} else if (end[1] != '\0')
			goto bad;
		return 0;
	}
	if (inet_pton(AF_INET6, spec, &t->addr.v6) == 1) {
		if (strlen(spec) >= sizeof(t->host))
			goto bad;
		strcpy(t->host, spec);
		t->af = AF_INET6;
		return 0;
	}
	colon = strchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (len == 0 || len >= sizeof(t->host))
		goto bad;
	memcpy(t->host, spec, len);
	t->host[len] = '\0';
	if (colon) {
		if (target_port(colon + 1, &t->port) != 0)
			goto badport;
		t->port_given = true;
	}
	if (inet_pton(AF_INET, t->host, &t->addr.v4) == 1) {
		t->af = AF_INET;
		return 0;
	}
	if (!smtp_hostname_valid(t->host) || strchr(t->host, '[') != NULL ||
	    target_numeric_tld(t->host))
		goto bad;
	return 0;
bad:
	/* The spec may come from a file of targets: never echo raw bytes. */
	util_printable(shown, sizeof(shown), spec, strlen(spec));
	snprintf(err, errlen, "bad target \"%s\": want an IPv4 or IPv6 "
	    "address or a hostname, optionally with :PORT ([IPv6]:PORT)",
	    shown);
	return -1;
badport:
	util_printable(shown, sizeof(shown), spec, strlen(spec));
	snprintf(err, errlen, "bad port in target \"%s\" (1-65535)", shown);
	return -1;
}

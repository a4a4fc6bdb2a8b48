/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every subsystem: allocation that never returns NULL,
 * a growable string vector, printable escaping of peer bytes, and DNS-style
 * name comparison. Nothing here does I/O.
 */
#ifndef MXDIAG_UTIL_H
#define MXDIAG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define UTIL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation wrappers: they abort with a message on exhaustion, so callers
 * never carry an out-of-memory path for a few bytes of bookkeeping. */
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* A growable vector of owned, NUL-terminated strings. Zero-initialise it;
 * strvec_clear() frees the strings and the array and leaves it empty. */
struct strvec {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

void strvec_push(struct strvec *sv, const char *s);	/* copies s */
void strvec_pushf(struct strvec *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool strvec_contains_name(const struct strvec *sv, const char *name);
void strvec_clear(struct strvec *sv);

/*
 * Copy at most srclen bytes of untrusted src into dst as printable ASCII:
 * bytes outside 0x20..0x7e and the backslash become \xNN. The output is
 * always NUL-terminated and truncated (with "...") to fit dstlen.
 * Returns the length written, excluding the NUL.
 */
size_t util_printable(char *dst, size_t dstlen, const char *src, size_t srclen);

/* Copy src into dst of size dstlen (> 0), cut to fit and always
 * terminated, as BSD's strlcpy; returns strlen(src). For the copies made
 * per request, where snprintf's "%s" costs a format parse. */
size_t util_strlcpy(char *dst, const char *src, size_t dstlen);

/* inet_ntop(3), with IPv4 written here: glibc's goes through sprintf,
 * which made it a visible share of a policy request. Same results. */
const char *util_ntop(int af, const void *addr, char *out, size_t outlen);
/* Decimal digits of one byte at p; returns the count (1..3). */
size_t util_put_u8(char *p, unsigned v);
/* Decimal digits of v at p (at most 20, no terminator); returns the
 * count. */
size_t util_put_ulong(char *p, unsigned long v);

/* DNS name equality: ASCII case-insensitive, one trailing dot ignored on
 * either side. NULL equals nothing. */
bool util_name_eq(const char *a, const char *b);

/* Milliseconds from a monotonic clock. */
long long util_now_ms(void);

#endif

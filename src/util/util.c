/* SPDX-License-Identifier: MIT */
/*
 * Implementation of the shared helpers declared in util.h. Allocation
 * failure is fatal here, on purpose: mxdiag's allocations are small and
 * bounded by the caps each parser enforces.
 */
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void
util_oom(void)
{
	fputs("mxdiag: out of memory\n", stderr);
	abort();
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		util_oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		util_oom();
	p = realloc(p, (n && size) ? n * size : 1);
	if (p == NULL)
		util_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		util_oom();
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char buf[256], *p, *out;
	const char *f, *pct;
	size_t len = 0;
	va_list aq;
	int n;

	/*
	 * Nearly every format here is text and plain %s (findings' titles
	 * and explanations, evidence lines): those are joined by hand, as
	 * vasprintf() spent over a thousand instructions on each, for every
	 * finding of every address of a bulk run. Anything else (a width,
	 * %d, %%, a NULL argument, which glibc prints as "(null)") goes to
	 * printf, so the text is always what printf makes.
	 */
	va_copy(aq, ap);
	for (f = fmt; (pct = strchr(f, '%')) != NULL; f = pct + 2) {
		const char *arg;

		if (pct[1] != 's' || (arg = va_arg(aq, const char *)) == NULL)
			break;
		len += (size_t)(pct - f) + strlen(arg);
	}
	va_end(aq);
	if (pct == NULL) {
		len += strlen(f);
		p = out = xreallocarray(NULL, len + 1, 1);
		for (f = fmt; (pct = strchr(f, '%')) != NULL; f = pct + 2) {
			const char *arg = va_arg(ap, const char *);
			size_t k = strlen(arg);

			memcpy(p, f, (size_t)(pct - f));
			p += pct - f;
			memcpy(p, arg, k);
			p += k;
		}
		memcpy(p, f, strlen(f) + 1);
		return out;
	}
	/* One malloc of the right size when the text fits the stack
	 * buffer, where vasprintf() grows a buffer and shrinks it. */
	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n < 0)
		util_oom();
	if ((size_t)n < sizeof(buf)) {
		out = xreallocarray(NULL, (size_t)n + 1, 1);
		memcpy(out, buf, (size_t)n + 1);
		return out;
	}
	if (vasprintf(&out, fmt, ap) < 0)
		util_oom();
	return out;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
strvec_push(struct strvec *sv, const char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 4;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
	}
	sv->v[sv->n++] = xstrdup(s);
}

void
strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	va_list ap;

	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 4;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof(*sv->v));
	}
	va_start(ap, fmt);
	sv->v[sv->n++] = xvasprintf(fmt, ap);
	va_end(ap);
}

bool
strvec_contains_name(const struct strvec *sv, const char *name)
{
	for (size_t i = 0; i < sv->n; i++)
		if (util_name_eq(sv->v[i], name))
			return true;
	return false;
}

void
strvec_clear(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

static size_t
printable_width(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;
}

size_t
util_printable(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	static const char hex[] = "0123456789abcdef";
	size_t need = 0, limit, o = 0;

	if (dstlen == 0)
		return 0;
	for (size_t i = 0; i < srclen && need < dstlen; i++)
		need += printable_width((unsigned char)src[i]);
	/* Everything fits, or keep room for "..." and the NUL. */
	limit = need < dstlen ? need : (dstlen >= 4 ? dstlen - 4 : 0);
	for (size_t i = 0; i < srclen; i++) {
		unsigned char c = (unsigned char)src[i];
		size_t w = printable_width(c);

		if (o + w > limit)
			break;
		if (w == 1) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	if (need >= dstlen && dstlen >= 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return o;
}

bool
util_name_eq(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

long long
util_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t
util_put_u8(char *p, unsigned v)
{
	size_t n = 0;

	if (v >= 100)
		p[n++] = (char)('0' + v / 100);
	if (v >= 10)
		p[n++] = (char)('0' + v / 10 % 10);
	p[n++] = (char)('0' + v % 10);
	return n;
}

const char *
util_ntop(int af, const void *addr, char *out, size_t outlen)
{
	const unsigned char *b = addr;
	char v4[INET_ADDRSTRLEN];
	size_t n = 0;

	if (af != AF_INET)
		return inet_ntop(af, addr, out, (socklen_t)outlen);
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			v4[n++] = '.';
		n += util_put_u8(v4 + n, b[i]);
	}
	if (n >= outlen) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(out, v4, n);
	out[n] = '\0';
	return out;
}

size_t
util_strlcpy(char *dst, const char *src, size_t dstlen)
{
	size_t n = strlen(src);

	if (dstlen > 0) {
		size_t k = n < dstlen - 1 ? n : dstlen - 1;

		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

size_t
util_put_ulong(char *p, unsigned long v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

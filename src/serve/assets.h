/* SPDX-License-Identifier: MIT */
/*
 * The files `mxdiag serve` carries inside the binary (the web page and
 * the OpenAPI document), generated at build time by embed.py.
 */
#ifndef MXDIAG_SERVE_ASSETS_H
#define MXDIAG_SERVE_ASSETS_H

#include <stddef.h>

struct serve_asset {
	const char		*path;		/* "/", "/app.js", ... */
	const char		*type;		/* Content-Type */
	const char		*etag;		/* quoted */
	const unsigned char	*data;
	size_t			 len;
};

extern const struct serve_asset serve_assets[];
extern const size_t serve_nassets;

#endif

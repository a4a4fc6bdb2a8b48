/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the request mapping of `mxdiag serve`
 * (serve/api.c): input is "PATH\nQUERY". Broken invariants crash: the
 * answer is 0, 400 or 404; a refusal leaves no arguments and says why in
 * printable text; an accepted request names its tool, and its arguments
 * are an object whose values have the kinds the tools take (a port is a
 * mail port, a list holds 1 to 256 non-empty strings).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_value(const char *key, json_t *v)
{
	size_t i;
	json_t *item;

	if (json_is_integer(v)) {
		if (strcmp(key, "port") != 0 ||
		    !api_port_allowed((long)json_integer_value(v)))
			abort();
	} else if (json_is_array(v)) {
		if (json_array_size(v) == 0 || json_array_size(v) > 256)
			abort();
		json_array_foreach(v, i, item)
			if (!json_is_string(item) ||
			    json_string_length(item) == 0 ||
			    strchr(json_string_value(item), ',') != NULL)
				abort();
	} else if (!json_is_string(v) && !json_is_boolean(v)) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *nl, err[512];
	struct api_request req;
	const char *key;
	json_t *v;
	int rc;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl++ = '\0';
	err[0] = '\0';
	rc = api_parse(buf, nl, &req, err, sizeof(err));
	if (rc == 0) {
		if (req.tool == NULL || !json_is_object(req.args))
			abort();
		json_object_foreach(req.args, key, v)
			check_value(key, v);
		json_decref(req.args);
	} else {
		if ((rc != 400 && rc != 404) || req.args != NULL ||
		    err[0] == '\0')
			abort();
		for (const char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
	free(buf);
	return 0;
}

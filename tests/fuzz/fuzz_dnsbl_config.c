/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the blacklist configuration parser (--lists FILE):
 * any bytes in; either an error with a message, or lists whose every
 * field respects the caps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsbl/list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnsbl_set set = { 0 };
	char err[256];

	if (dnsbl_set_parse(&set, (const char *)data, size, err,
	    sizeof(err)) != 0) {
		if (set.n != 0 || set.v != NULL || err[0] == '\0')
			abort();
		return 0;
	}
	if (set.n == 0 || set.n > DNSBL_LISTS_MAX)
		abort();
	for (size_t i = 0; i < set.n; i++) {
		const struct dnsbl_list *l = &set.v[i];

		if (l->id == NULL || l->name == NULL || l->zone == NULL ||
		    l->kinds == 0 || l->ncodes > DNSBL_CODES_MAX ||
		    l->ntrips > DNSBL_TRIPS_MAX || strlen(l->zone) > 253 - 64 ||
		    strlen(l->name) > DNSBL_TEXT_MAX)
			abort();
		for (size_t k = 0; k < l->ncodes; k++)
			if (l->codes[k].lo > l->codes[k].hi ||
			    l->codes[k].meaning == NULL)
				abort();
	}
	dnsbl_set_clear(&set);
	return 0;
}

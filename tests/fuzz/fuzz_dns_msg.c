/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the DNS response parser and the interpretation of
 * a parsed message. Built with replay_main.c it replays the seed corpus as
 * an ordinary test, so every input that ever crashed stays covered.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Written so the compiler cannot drop the reads that feed it. */
static volatile size_t fuzz_sink;

/* Interpret msg for one question and touch what the answer owns, so a
 * bad pointer or a missing NUL shows up under the sanitizers. */
static void
fuzz_answer(const struct dns_msg *msg, const char *qname, uint16_t qtype)
{
	struct dns_answer ans, copy;
	size_t sum = 0;

	dns_answer_from_msg(msg, qname, qtype, &ans);
	dns_answer_copy(&copy, &ans);
	sum += strlen(dns_answer_final_name(&copy));
	sum += strlen(dns_outcome_name(copy.outcome));
	for (size_t i = 0; i < copy.chain.n; i++)
		sum += strlen(copy.chain.v[i]);
	for (size_t i = 0; i < copy.nrr; i++)
		sum += strlen(copy.rr[i].name);
	if (copy.has_soa)
		sum += strlen(copy.soa_zone) + strlen(copy.soa.mname);
	dns_answer_clear(&ans);
	dns_answer_clear(&copy);
	fuzz_sink = sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg msg;
	enum dns_wire_status st;

	st = dns_msg_parse(data, size, &msg);
	if (st != DNS_WIRE_OK) {
		/* A failed parse must leave nothing behind. */
		if (msg.nrr != 0 || msg.rr != NULL)
			__builtin_trap();
		return 0;
	}
	if (strlen(dns_wire_strerror(st)) == 0 || msg.nrr > DNS_RR_MAX)
		__builtin_trap();
	fuzz_answer(&msg, msg.qname, msg.qtype);
	fuzz_answer(&msg, msg.qname, DNS_T_PTR);
	fuzz_answer(&msg, msg.qname, DNS_T_A);
	dns_msg_clear(&msg);
	return 0;
}

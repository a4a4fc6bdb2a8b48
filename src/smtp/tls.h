/* SPDX-License-Identifier: MIT */
/*
 * TLS helpers of the SMTP probe (see probe.h for the result struct).
 */
#ifndef MXDIAG_SMTP_TLS_H
#define MXDIAG_SMTP_TLS_H

#include <openssl/ssl.h>

#include "smtp/probe.h"

/* Fill t from a completed handshake: protocol, cipher, the chain verdict,
 * whether the certificate matches name (NULL: not checked), dates. */
void smtp_tls_inspect(SSL *ssl, const char *name, struct smtp_tls_result *t);

/* Record a TLS failure: what, plus OpenSSL's last error if any. */
void smtp_tls_error(struct smtp_tls_result *t, const char *what);

void smtp_tls_result_clear(struct smtp_tls_result *t);

#endif

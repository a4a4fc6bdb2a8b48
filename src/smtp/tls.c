/* SPDX-License-Identifier: MIT */
/*
 * TLS for the SMTP probe: the client context (verification recorded, not
 * enforced, so that a bad certificate becomes a finding) and the
 * inspection of a finished handshake: protocol, cipher, chain verdict,
 * name match against the MX host, validity dates, subjectAltNames.
 */
#include "smtp/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "util/util.h"

#define TLS_NAMES_MAX	32	/* subjectAltNames kept for the report */

SSL_CTX *
smtp_tls_ctx_new(const char *ca_file, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	/* Record the verdict, do not stop at it. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			snprintf(err, errlen, "cannot load CA file %s", ca_file);
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(err, errlen, "cannot load the system trust store");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

void
smtp_tls_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

static void
tls_x509_name(X509_NAME *n, char *out, size_t outlen)
{
	char buf[512];

	out[0] = '\0';
	if (n == NULL)
		return;
	X509_NAME_oneline(n, buf, sizeof(buf));
	util_printable(out, outlen, buf, strlen(buf));
}

static void
tls_collect_names(X509 *cert, struct strvec *names)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name,
	    NULL, NULL);
	int n = gens ? sk_GENERAL_NAME_num(gens) : 0;

	for (int i = 0; i < n && names->n < TLS_NAMES_MAX; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char buf[256];

		if (g->type != GEN_DNS)
			continue;
		util_printable(buf, sizeof(buf),
		    (const char *)ASN1_STRING_get0_data(g->d.dNSName),
		    (size_t)ASN1_STRING_length(g->d.dNSName));
		strvec_push(names, buf);
	}
	GENERAL_NAMES_free(gens);
}

void
smtp_tls_inspect(SSL *ssl, const char *name, struct smtp_tls_result *t)
{
	X509 *cert;
	const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
	int days = 0, secs = 0;

	t->handshake_ok = true;
	snprintf(t->protocol, sizeof(t->protocol), "%s", SSL_get_version(ssl));
	if (c != NULL) {
		snprintf(t->cipher, sizeof(t->cipher), "%s",
		    SSL_CIPHER_get_name(c));
		t->cipher_bits = SSL_CIPHER_get_bits(c, NULL);
	}
	cert = SSL_get1_peer_certificate(ssl);
	if (cert == NULL)
		return;
	t->has_cert = true;
	t->verify_code = SSL_get_verify_result(ssl);
	t->chain_ok = t->verify_code == X509_V_OK;
	snprintf(t->verify_error, sizeof(t->verify_error), "%s",
	    X509_verify_cert_error_string(t->verify_code));
	tls_x509_name(X509_get_subject_name(cert), t->subject,
	    sizeof(t->subject));
	tls_x509_name(X509_get_issuer_name(cert), t->issuer, sizeof(t->issuer));
	tls_collect_names(cert, &t->names);
	if (name != NULL && name[0] != '\0') {
		char host[256];
		size_t len;

		/* X509_check_host() wants the name without its final dot. */
		snprintf(host, sizeof(host), "%s", name);
		len = strlen(host);
		if (len > 1 && host[len - 1] == '.')
			host[len - 1] = '\0';
		snprintf(t->verified_name, sizeof(t->verified_name), "%s", host);
		t->name_ok = X509_check_host(cert, host, 0, 0, NULL) == 1;
	}
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)) == 1)
		t->days_left = days;
	t->not_yet_valid = X509_cmp_current_time(X509_get0_notBefore(cert)) > 0;
	X509_free(cert);
}

void
smtp_tls_error(struct smtp_tls_result *t, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char buf[200] = "";

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(t->error, sizeof(t->error), "%s%s%s", what, buf[0] ? ": " : "",
	    buf);
	ERR_clear_error();
}

void
smtp_tls_result_clear(struct smtp_tls_result *t)
{
	strvec_clear(&t->names);
	smtp_caps_clear(&t->caps);
}

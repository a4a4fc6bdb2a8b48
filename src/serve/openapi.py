#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the OpenAPI 3.1 document of `mxdiag serve`: openapi.py OUT VERSION
SCHEMA.json...

The response bodies are the CLI's own JSON Schemas (docs/mxdiag.*.schema.json),
included whole under components.schemas, so the API and the CLI cannot
drift apart.
"""
import json
import os
import sys

MAIL_PORT = {"type": "integer", "enum": [25, 587, 2525], "default": 25,
             "description": "SMTP port (mail ports only)."}
BOOL = {"type": "string", "enum": ["true", "false", "1", "0"], "default": "false"}
LIST = {"type": "string", "description": "Comma-separated list.",
        "pattern": "^[^,]+(,[^,]+)*$"}
NAME = {"type": "string", "minLength": 1, "maxLength": 253}
# A draft record: any query value is at most 512 bytes.
DRAFT = {"type": "string", "maxLength": 512}


def param(name, schema, desc, required=False):
    return {"name": name, "in": "query", "required": required,
            "description": desc, "schema": schema}


ENDPOINTS = [
    ("check", "mxdiag.check", "Identity of a mail server",
     "Reverse DNS (PTR), forward confirmation (iprev), SMTP banner and EHLO "
     "of an IP address or of every address of a host name, and whether they "
     "agree. The same document as `mxdiag check --format json`.",
     [param("target", NAME, "IP address or host name; no URL, no port.", True),
      param("port", MAIL_PORT, "SMTP port."),
      param("no_smtp", BOOL, "DNS only: no SMTP connection.")]),
    ("audit", "mxdiag.audit", "Audit of a mail domain",
     "MX, SPF, DMARC, DKIM, BIMI, MTA-STS, TLS-RPT, blacklists and the "
     "identity of every MX host. The same document as `mxdiag audit --format json`.",
     [param("domain", NAME, "The mail domain.", True),
      param("ip", LIST, "Sending IP addresses to check against SPF and blacklists (at most 16)."),
      param("helo", NAME, "The HELO name the senders use."),
      param("selector", LIST, "DKIM selectors to look for."),
      param("no_smtp", BOOL, "DNS only: no SMTP to the MX hosts."),
      param("port", MAIL_PORT, "SMTP port of the MX hosts.")]),
    ("spf", "mxdiag.spf", "SPF record of a domain",
     "Syntax, lookups, limits and, with ip, the check_host() result. The "
     "same document as `mxdiag spf --format json`.",
     [param("domain", NAME, "Where the record is published."),
      param("record", DRAFT, "A draft record, judged as if published at domain."),
      param("ip", {"type": "string"}, "Run check_host() for this address."),
      param("sender", {"type": "string"}, "MAIL FROM address for check_host()."),
      param("helo", NAME, "HELO name for check_host().")]),
    ("dmarc", "mxdiag.dmarc", "DMARC record of a domain",
     "Discovery (organizational domain), tags, reporting addresses. The same "
     "document as `mxdiag dmarc --format json`.",
     [param("domain", NAME, "The domain.", True),
      param("record", DRAFT, "A draft record.")]),
    ("dkim", "mxdiag.dkim", "DKIM keys of a domain",
     "Key records of the given or of common selectors: syntax, key type and "
     "size. The same document as `mxdiag dkim --format json`.",
     [param("domain", NAME, "The domain.", True),
      param("selector", LIST, "Selectors (default: common providers' selectors)."),
      param("record", DRAFT, "A draft key record (one selector).")]),
    ("bimi", "mxdiag.bimi", "BIMI record of a domain",
     "The record at selector._bimi.domain (or the organizational domain), "
     "its logo and certificate URLs (not fetched) and the DMARC policy BIMI "
     "needs. The same document as `mxdiag bimi --format json`.",
     [param("domain", NAME, "The domain.", True),
      param("selector", NAME, "BIMI selector (default: default)."),
      param("record", DRAFT, "A draft record.")]),
    ("bl", "mxdiag.bl", "Blacklist (DNSBL) status",
     "Listings of IP addresses and domains on the built-in DNS blacklists. "
     "The same document as `mxdiag bl --format json`.",
     [param("targets", LIST, "IP addresses and domain names (at most 256).", True)]),
]

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
            "code": {"enum": ["bad_request", "refused_target", "not_found",
                              "method_not_allowed", "rate_limited", "busy",
                              "internal"]},
            "message": {"type": "string"}}}}}


def err_response(desc, retry=False):
    r = {"description": desc,
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}}
    if retry:
        r["headers"] = {"Retry-After": {
            "description": "Seconds to wait before asking again.",
            "schema": {"type": "integer", "minimum": 1}}}
    return r


def main():
    out, version, schemas = sys.argv[1], sys.argv[2], sys.argv[3:]
    comps = {"error": ERROR}
    for path in schemas:
        name = os.path.basename(path)[:-len(".schema.json")]
        comps[name] = json.load(open(path))
    paths = {}
    for ep, schema, summary, desc, params in ENDPOINTS:
        if schema not in comps:
            sys.exit("openapi.py: missing schema " + schema)
        paths["/api/v1/" + ep] = {"get": {
            "operationId": ep, "summary": summary, "description": desc,
            "parameters": params,
            "responses": {
                "200": {"description": "The report. summary.exit_code: 0 all "
                        "checks passed, 1 problems found, 2 some checks could not "
                        "be completed (temporary: ask again later).",
                        "content": {"application/json": {"schema": {
                            "$ref": "#/components/schemas/" + schema}}}},
                "400": err_response("The query is malformed or names something that cannot be checked."),
                "422": err_response("The target is not a public address (the server was not started with --allow-private)."),
                "429": err_response("Too many requests from this client.", True),
                "503": err_response("Too many checks running on this server.", True),
            }}}
    paths["/healthz"] = {"get": {
        "operationId": "healthz", "summary": "Liveness",
        "responses": {"200": {"description": "The server is up.", "content": {
            "application/json": {"schema": {"type": "object"}}}}}}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "mxdiag", "version": version,
                 "description": "Mail server identity and deliverability checks. "
                 "Every report is the JSON document of the mxdiag command of the same "
                 "name. No state is kept between requests.",
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {"schemas": comps},
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Convert the OpenSPF RFC 7208 test suite (YAML, one document per scenario)
# into the JSON that tests/conformance/spf_suite.c reads, once, so that the
# tests need neither Python nor a YAML parser. The structure is kept as it
# is: a list of scenarios, each with description, tests and zonedata, in
# the order of the YAML. Strings may hold code points U+0080..U+00FF that
# stand for raw bytes (the suite writes "\xEF" in YAML); the runner turns
# them back into bytes.
#
#   python3 yaml2json.py pyspf-rfc7208-tests.yml > pyspf-rfc7208-tests.json
import json
import sys

import yaml


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: yaml2json.py SUITE.yml > SUITE.json")
    with open(sys.argv[1], "rb") as f:
        scenarios = [s for s in yaml.safe_load_all(f) if s]
    json.dump(scenarios, sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/bulkzone.py: the zone set of the bulk benchmark, and its truth.

For an IPv4 prefix (/16 to /24, default 10.77.0.0/16) and a seed it writes
the reverse zone(s), a forward zone bulk.test holding the A records, and
the iprev verdict each address must get, so a bulk run can be checked
address by address. The same seed gives the same files, byte for byte.

Of the N addresses of the prefix, exactly round(N * 95 / 100) have one PTR
name and exactly round(N * 85 / 100) forward-confirm (iprev pass): for the
/16, 62,259 and 55,706. Every address with a PTR has exactly one PTR name,
so the job is N PTR queries plus one A query per PTR name (1.95 queries per
address). Which address gets which fate is a seeded shuffle.

Kinds (the KIND column of detail.txt; VERDICT is the expected iprev):
  pass     ptr-a        the PTR name has one A: the address
  pass     ptr-multi-a  the PTR name has two or three A, the address among them
  fail     no-ptr       the reverse name does not exist (NXDOMAIN)
  fail     fwd-nxdomain the PTR name does not exist (NXDOMAIN)
  fail     fwd-nodata   the PTR name exists with a TXT record and no A
  fail     fwd-other    the PTR name's A is another address of the prefix
  fail     fwd-outside  the PTR name's A is an address in 192.0.2.0/24
The PTR-but-unconfirmed addresses are split evenly over the four fwd-*
kinds; a fifth of the confirmed ones are ptr-multi-a.

PTR names look chosen, not generic (see src/check/generic.c): the form is
mta-WORD-NUMBER.bulk.test with WORD from a fixed list free of pool keywords
and NUMBER a single run of at most five digits, which can never read as the
address's octets (three separated octets or nine padded digits would be
needed).

Files written to OUT (created if needed):
  zones/*.zone     the zones; zones.list: "ZONE FILE" per line, for knot.conf
  truth.txt        "ADDRESS VERDICT", one line per address, in address order
  detail.txt       "ADDRESS VERDICT KIND PTRNAME|-"
  addresses.txt    one address per line (the bulk input)
  queries.txt      dnsperf input: per address its PTR query, then the A
                   query of its PTR name when it has one (the job's mix)
  adns.txt         adnshost -f input: one "-i ADDRESS" line per address
  lines-N.txt      with --lines N: N input lines cycling over the addresses
  meta.txt         key=value: prefix, seed, counts, queries per address

  bench/bulkzone.py OUT [--prefix 10.77.0.0/16] [--seed 1] [--lines N]
"""

import argparse
import ipaddress
import os
import random
import sys

FWD_ZONE = "bulk.test."
NS_NAME = "ns." + FWD_ZONE
NS_ADDR = "127.0.0.60"

# Plain words, none of them a pool keyword of generic.c (dyn, pool, dsl,
# cable, client, user, res, nat, mobile, ...) nor a provider's name.
WORDS = [
    "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron",
    "indigo", "juniper", "kestrel", "linden", "maple", "nectar", "onyx",
    "pebble", "quartz", "raven", "sierra", "tundra", "umber", "violet",
    "willow", "yarrow", "zephyr", "aspen", "basalt", "coral", "dune",
    "elm", "falcon", "garnet", "harbor", "iris", "jasper", "kelp", "lotus",
    "meadow", "nova", "orchid", "pine", "quill", "reef", "sage", "thistle",
    "upland", "vale", "wren", "alder", "brook", "cliff", "dawn", "fern",
    "glade", "hazel", "ivy", "lark", "moss", "north", "oak", "plume",
    "ridge", "slate", "tide",
]

FAIL_KINDS = ["fwd-nxdomain", "fwd-nodata", "fwd-other", "fwd-outside"]


def pct(n, p):
    """round(n * p / 100), halves up, in integers."""
    return (n * p + 50) // 100


def reverse_name(addr):
    o = str(addr).split(".")
    return "%s.%s.%s.%s.in-addr.arpa." % (o[3], o[2], o[1], o[0])


def soa_block(origin):
    return (
        "$ORIGIN %s\n$TTL 3600\n"
        "@ SOA %s hostmaster.%s 1 3600 900 604800 300\n"
        "@ NS %s\n" % (origin, NS_NAME, FWD_ZONE, NS_NAME)
    )


def reverse_zones(net):
    """The reverse zone(s) for the prefix: one for a /16, one per /24
    otherwise, as an operator would delegate them."""
    o = str(net.network_address).split(".")
    if net.prefixlen == 16:
        return ["%s.%s.in-addr.arpa." % (o[1], o[0])]
    return [
        "%s.%s.%s.in-addr.arpa." % tuple(reversed(str(s.network_address)
                                                  .split(".")[:3]))
        for s in (net.subnets(new_prefix=24) if net.prefixlen < 24
                  else [net])
    ]


def zone_of(addr, zones):
    rev = reverse_name(addr)
    for z in zones:
        if rev.endswith("." + z):
            return z
    raise AssertionError("no zone for %s" % addr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--prefix", default="10.77.0.0/16")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lines", type=int, default=0)
    a = ap.parse_args()

    try:
        net = ipaddress.IPv4Network(a.prefix, strict=True)
    except ValueError as e:
        sys.exit("bulkzone.py: %s" % e)
    if not 16 <= net.prefixlen <= 24:
        sys.exit("bulkzone.py: prefix length must be 16 to 24")
    if a.lines < 0:
        sys.exit("bulkzone.py: --lines must be >= 0")
    addrs = list(net)
    n = len(addrs)
    n_ptr = pct(n, 95)
    n_pass = pct(n, 85)

    rng = random.Random(a.seed)
    order = list(range(n))
    rng.shuffle(order)
    # Word and number of each PTR name: distinct for every address, the
    # number below 100000 (one digit run of at most five digits).
    names = {}
    for rank, i in enumerate(order[:n_ptr]):
        names[i] = "mta-%s-%d.%s" % (WORDS[rank % len(WORDS)],
                                     rank // len(WORDS), FWD_ZONE)

    kind = {}
    for rank, i in enumerate(order):
        if rank < n_pass:
            kind[i] = "ptr-multi-a" if rank % 5 == 0 else "ptr-a"
        elif rank < n_ptr:
            kind[i] = FAIL_KINDS[(rank - n_pass) % len(FAIL_KINDS)]
        else:
            kind[i] = "no-ptr"

    zones = reverse_zones(net)
    rev_rr = {z: [] for z in zones}
    fwd_rr = []
    for i in range(n):
        k = kind[i]
        if k == "no-ptr":
            continue
        addr = addrs[i]
        name = names[i]
        rev_rr[zone_of(addr, zones)].append(
            "%s PTR %s\n" % (reverse_name(addr), name))
        if k == "ptr-a":
            fwd_rr.append("%s A %s\n" % (name, addr))
        elif k == "ptr-multi-a":
            extra = set()
            want = rng.randint(1, 2)
            while len(extra) < want:
                x = addrs[rng.randrange(n)]
                if x != addr:
                    extra.add(x)
            extra = sorted(extra)
            for x in [addr] + extra:
                fwd_rr.append("%s A %s\n" % (name, x))
        elif k == "fwd-nodata":
            fwd_rr.append('%s TXT "no address here"\n' % name)
        elif k == "fwd-other":
            other = addr
            while other == addr:
                other = addrs[rng.randrange(n)]
            fwd_rr.append("%s A %s\n" % (name, other))
        elif k == "fwd-outside":
            fwd_rr.append("%s A 192.0.2.%d\n" % (name, rng.randint(1, 254)))
        # fwd-nxdomain: the name is simply not in the zone.

    os.makedirs(os.path.join(a.out, "zones"), exist_ok=True)
    with open(os.path.join(a.out, "zones.list"), "w") as zl:
        for z in zones:
            fn = os.path.join(a.out, "zones", z.rstrip(".") + ".zone")
            with open(fn, "w") as f:
                f.write(soa_block(z))
                f.writelines(rev_rr[z])
            zl.write("%s %s\n" % (z, os.path.abspath(fn)))
        fn = os.path.join(a.out, "zones", FWD_ZONE.rstrip(".") + ".zone")
        with open(fn, "w") as f:
            f.write(soa_block(FWD_ZONE))
            f.write("%s A %s\n" % (NS_NAME, NS_ADDR))
            f.writelines(fwd_rr)
        zl.write("%s %s\n" % (FWD_ZONE, os.path.abspath(fn)))

    def verdict(i):
        return "pass" if kind[i] in ("ptr-a", "ptr-multi-a") else "fail"

    with open(os.path.join(a.out, "truth.txt"), "w") as t, \
            open(os.path.join(a.out, "detail.txt"), "w") as d, \
            open(os.path.join(a.out, "addresses.txt"), "w") as al, \
            open(os.path.join(a.out, "adns.txt"), "w") as ad, \
            open(os.path.join(a.out, "queries.txt"), "w") as q:
        for i in range(n):
            addr = addrs[i]
            t.write("%s %s\n" % (addr, verdict(i)))
            d.write("%s %s %s %s\n" % (addr, verdict(i), kind[i],
                                       names.get(i, "-")))
            al.write("%s\n" % addr)
            ad.write("-i %s\n" % addr)
            q.write("%s PTR\n" % reverse_name(addr))
            if i in names:
                q.write("%s A\n" % names[i])

    if a.lines:
        with open(os.path.join(a.out, "lines-%d.txt" % a.lines), "w") as f:
            for j in range(a.lines):
                f.write("%s\n" % addrs[j % n])

    with open(os.path.join(a.out, "meta.txt"), "w") as m:
        m.write("prefix=%s\nseed=%d\naddresses=%d\nptr=%d\npass=%d\n"
                "queries=%d\nqueries_per_address=%.6f\n"
                % (net, a.seed, n, n_ptr, n_pass, n + n_ptr,
                   (n + n_ptr) / n))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Exact Poisson-binomial distributions and p-values, independently of R and of SelfRef.

Run from this folder:  python3 poisson_binomial.py   (writes poisson_binomial.json beside it; needs mpmath)

Each case is a list of chances (doubles, written with repr so that C# reads back the very same
values); the distribution computed is that of those exact binary fractions.  Two methods, neither
shared with the C# code under test:

* "enumeration" (n <= 20): every one of the 2^n outcomes is listed and weighed with Python's
  integers (each chance is a/2^e exactly, so every outcome's probability is an integer over one
  common power of two); the mass function, the tails and the p-values are exact rationals, rounded
  once to doubles.

* "dp-60-digits" (n up to 2,000): the recursive convolution P_j(k) = p_j P_{j-1}(k-1) + q_j P_{j-1}(k)
  in 60-digit arithmetic (mpmath), all terms positive, so every value is right to far more than
  double precision.  It is checked here against the enumeration on every small case.

Per case: pmf[k] for k = 0..n; for each count k in "k": p_greater = P(X >= k) and p_two_sided by
R's binom.test rule (1 when k equals the mean; otherwise P(X <= k) (or P(X >= k)) plus the
probability of every count on the other side of the mean whose probability is at most P(X = k)
times relErr, where relErr is R's double 1 + 1e-7, taken as the exact rational it is).
"""

import itertools
import json
import math
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

from mpmath import mp, mpf
from mpmath import __version__ as mpmath_version

mp.dps = 60
HERE = Path(__file__).resolve().parent
REL_ERR = Fraction(1 + 1e-7)   # the double R compares with, exactly


def cases():
    rnd = random.Random(20250112)
    letters26 = [1 / 26, 2 / 26]
    out = [
        ("one trial", "enumeration", [0.3]),
        ("certain, impossible and even", "enumeration", [0.0, 1.0, 0.5]),
        ("every chance 0", "enumeration", [0.0, 0.0, 0.0]),
        ("every chance 1", "enumeration", [1.0, 1.0]),
        ("near 0 and near 1", "enumeration", [1e-12, 1 - 1e-9, 0.25, 0.5, 0.75, 3e-15]),
        ("equal chances 0.3 (binomial)", "enumeration", [0.3] * 12),
        ("name letters, 26 shown", "enumeration", [letters26[i % 3 == 0] for i in range(14)]),
        ("uniform chances", "enumeration", [rnd.random() for _ in range(16)]),
        ("twenty mixed, with 0, 1 and 1e-300", "enumeration",
         [0.0, 1.0, 1e-9, 1e-300, 0.999999999, 0.5, 1 / 3, 2 / 3, 0.01, 0.02,
          0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.99]),
        ("twenty name letters, 20 shown", "enumeration", [(1 + rnd.randrange(3)) / 20 for _ in range(20)]),
        ("200 name letters with 0 and 1", "dp-60-digits",
         [0.0, 1.0] + [(1 + rnd.randrange(3)) / 26 for _ in range(198)]),
        ("1000 chances 0.02-0.3", "dp-60-digits", [0.02 + 0.28 * rnd.random() for _ in range(1000)]),
        ("2000 rare chances 1e-6-1e-3", "dp-60-digits", [10 ** (-6 + 3 * rnd.random()) for _ in range(2000)]),
        ("500 equal chances 2/26 (binomial)", "dp-60-digits", [2 / 26] * 500),
    ]
    return out


def enumerate_exact(chances):
    """Exact pmf (Fractions) by listing all 2^n outcomes, depth first, in integers."""
    fractions_ = [Fraction(p) for p in chances]
    e = max(f.denominator for f in fractions_).bit_length() - 1      # every denominator is a power of two
    scale = 1 << e
    succ = [f.numerator * (scale // f.denominator) for f in fractions_]
    fail = [scale - s for s in succ]
    n = len(chances)
    buckets = [0] * (n + 1)

    def walk(i, k, weight):
        if weight == 0:
            return
        if i == n:
            buckets[k] += weight
            return
        walk(i + 1, k + 1, weight * succ[i])
        walk(i + 1, k, weight * fail[i])

    outcomes = 1 << n   # walk() visits every outcome; branches of weight 0 (a chance of 0 or 1) are cut, as they add nothing
    walk(0, 0, 1)
    total = scale ** n
    pmf = [Fraction(b, total) for b in buckets]
    assert sum(pmf) == 1, "enumeration lost mass"
    return pmf, outcomes


def dp_high_precision(chances):
    d = [mpf(1)]
    for p in chances:
        p = mpf(p)
        q = 1 - p
        nxt = [mpf(0)] * (len(d) + 1)
        for k, v in enumerate(d):
            nxt[k] += q * v
            nxt[k + 1] += p * v
        d = nxt
    return d


def two_sided(pmf, mean, k):
    """R's binom.test rule, on any pmf (exact Fractions or mpf)."""
    if k == mean:
        return 1
    limit = pmf[k] * (REL_ERR if isinstance(pmf[k], Fraction) else mpf(REL_ERR.numerator) / REL_ERR.denominator)
    n = len(pmf) - 1
    if k < mean:
        other = range(math.ceil(mean), n + 1)
        p = sum(pmf[: k + 1]) + sum(pmf[y] for y in other if pmf[y] <= limit)
    else:
        other = range(0, math.floor(mean) + 1)
        p = sum(pmf[k:]) + sum(pmf[y] for y in other if pmf[y] <= limit)
    return min(1, p)


def to_float(x):
    return float(x) if isinstance(x, Fraction) else float(mp.nstr(x, 30))


def main():
    target = HERE / "poisson_binomial.json"
    out = []
    for label, method, chances in cases():
        start = time.time()
        n = len(chances)
        mean = sum(Fraction(p) for p in chances)
        if method == "enumeration":
            pmf, outcomes = enumerate_exact(chances)
            check = dp_high_precision(chances)
            for exact, approx in zip(pmf, check):
                assert abs(mpf(exact.numerator) / exact.denominator - approx) <= mpf(10) ** -50 * (mpf(exact.numerator) / exact.denominator) + mpf(10) ** -400, \
                    f"{label}: 60-digit recursion disagrees with the enumeration"
            ks = list(range(n + 1))
            detail = f"{outcomes} outcomes enumerated"
        else:
            pmf = dp_high_precision(chances)
            # counts across the distribution: far tails, both sides of the mean, the mean's neighbours
            lo, hi = math.floor(mean), math.ceil(mean)
            sd = math.sqrt(float(sum(Fraction(p) * (1 - Fraction(p)) for p in chances)))
            ks = sorted({max(0, min(n, round(float(mean) + z * sd))) for z in (-12, -8, -5, -3, -2, -1, 1, 2, 3, 5, 8, 12, 20, 40)}
                        | {0, n, lo, hi, max(lo - 1, 0), min(hi + 1, n)})
            detail = "recursive convolution at 60 digits"
        tail = [None] * (n + 2)
        acc = pmf[0] * 0
        tail[n + 1] = acc
        for k in range(n, -1, -1):
            acc = acc + pmf[k]
            tail[k] = acc
        case = {
            "label": label,
            "method": method,
            "detail": detail,
            "chances": chances,
            "mean": float(mean),
            "variance": float(sum(Fraction(p) * (1 - Fraction(p)) for p in chances)),
            "pmf": [to_float(v) for v in pmf],
            "k": ks,
            "p_greater": [to_float(tail[k]) for k in ks],
            "p_two_sided": [to_float(two_sided(pmf, mean, k)) for k in ks],
        }
        out.append(case)
        print(f"{label}: n = {n}, {method}, {time.time() - start:.1f} s", file=sys.stderr)
    target.write_text('{\n"generated_by": ' + json.dumps("poisson_binomial.py with mpmath " + mpmath_version)
                      + ',\n"cases": [\n  ' + ",\n  ".join(json.dumps(c) for c in out) + "\n]\n}\n")


if __name__ == "__main__":
    main()

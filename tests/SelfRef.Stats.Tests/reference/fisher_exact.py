#!/usr/bin/env python3
"""Exact Fisher p-values for the tables in fisher_cases.txt, independently of R and of SelfRef.

Run from this folder:  python3 fisher_exact.py [--all]   (writes fisher_exact.json beside it; needs mpmath;
keeps the values of unchanged tables from the last run unless --all)

The p-value is R's two-sided rule: the probability, given both margins, of every table whose
probability is at most the observed one's times (1 + 1e-7).  Two methods, neither shared with
the C# code under test:

* "rational": every table with the observed margins is enumerated and weighed with Python's
  integers (weight prod_j c_j! / prod_ij x_ij!); the comparison with the observed table and the
  final quotient are exact rationals.  Used whenever there are at most 3 million tables (and,
  for 2 x K tables, at most 5,000 observations: beyond that the integers get slow).

* "halves" (2 x K tables too large to enumerate): the columns are split into two halves.  For
  the smaller half, every way of filling its first-row cells within a box of plausible values
  is listed with its weight, grouped by first-row sum and sorted by log weight; the other half's
  fills are walked, and each table is a pair (a, b) with sum_a + sum_b = R, counted when
  log w_a + log w_b <= log w_obs + log(1 + 1e-7).  Column weights C(c_j, x) / C(c_j, m_j) are
  computed with 50-digit arithmetic (mpmath) and rounded once to doubles; pairs closer than
  1e-9 to the threshold are decided again in 50-digit arithmetic; sums of counted weights
  are compensated (running sums) and math.fsum (final), so the relative error of the p-value
  is below about 1e-14.  The box leaves out, per column, values x whose marginal probability
  P(X_j = x) (hypergeometric) is tiny; the left-out probability is bounded by the sum of
  those marginal tails (50 digits, with a geometric bound for their ends) and written to
  the output as "bound" (relative to p).  The box is widened until the bound is below 1e-15.

* "none": a table with too many fills for either method in reasonable time (more than 3 million
  kept and 35 million walked): its p is null, and the tests compare it with R's fisher.test
  only (within FEXACT's own drift).
"""

import json
import math
import sys
import time
from bisect import bisect_left, bisect_right
from fractions import Fraction
from pathlib import Path

from mpmath import mp, mpf, loggamma, exp, log, log1p
from mpmath import __version__ as mpmath_version

mp.dps = 50
HERE = Path(__file__).resolve().parent
TOL = Fraction(10**7 + 1, 10**7)            # R's relErr = 1 + 1e-7
LOG_TOL = log1p(mpf(10) ** -7)
MAX_KEPT = 3_000_000     # fills of the half kept in memory
MAX_WALKED = 35_000_000  # fills of the half walked (a few minutes per 10 million on a busy machine)


def read_cases():
    cases = []
    for line in (HERE / "fisher_cases.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        label, table = (part.strip() for part in line.split("|"))
        rows = [[int(v) for v in row.split()] for row in table.split("/")]
        if len({len(r) for r in rows}) != 1:
            raise SystemExit(f"{label}: rows of different length")
        cases.append((label, rows))
    return cases


def drop_empty(t):
    t = [row for row in t if sum(row) > 0]
    if not t:
        return []
    keep = [j for j in range(len(t[0])) if any(row[j] for row in t)]
    return [[row[j] for j in keep] for row in t]


def count_tables(rows, cols, limit):
    """Number of tables with these margins, or limit + 1 as soon as there are more."""
    memo = {}

    def go(j, open_rows):
        if j == len(cols):
            return 1
        key = (j, tuple(sorted(open_rows)))
        if key in memo:
            return memo[key]
        total = 0
        for y in allocations(open_rows, cols[j]):
            total += go(j + 1, tuple(o - v for o, v in zip(open_rows, y)))
            if total > limit:
                break
        memo[key] = min(total, limit + 1)
        return memo[key]

    return go(0, tuple(rows))


def allocations(open_rows, total):
    """Every way to split total over the rows, y_i <= open_i."""
    r = len(open_rows)
    after = [0] * (r + 1)
    for i in range(r - 1, -1, -1):
        after[i] = after[i + 1] + open_rows[i]
    y = [0] * r

    def go(i, need):
        if i == r - 1:
            if need <= open_rows[i]:
                y[i] = need
                yield tuple(y)
            return
        for v in range(max(0, need - after[i + 1]), min(open_rows[i], need) + 1):
            y[i] = v
            yield from go(i + 1, need - v)

    yield from go(0, total)


def rational_p(t):
    """Every table, integer weights, exact comparison and quotient."""
    rows = [sum(r) for r in t]
    cols = [sum(c) for c in zip(*t)]
    n = sum(rows)
    fact = [1] * (n + 1)
    for k in range(2, n + 1):
        fact[k] = fact[k - 1] * k
    num = 1
    for c in cols:
        num *= fact[c]

    def weight(table_cols):          # prod_j c_j! / prod_ij x_ij!
        den = 1
        for col in table_cols:
            for x in col:
                den *= fact[x]
        return num // den

    observed = weight([[t[i][j] for i in range(len(rows))] for j in range(len(cols))])
    limit = observed * TOL
    at_most = 0
    total = 0
    stack = [(0, tuple(rows), [])]
    while stack:
        j, open_rows, done = stack.pop()
        if j == len(cols) - 1:
            w = weight(done + [list(open_rows)])
            total += w
            if w <= limit:
                at_most += w
            continue
        for y in allocations(open_rows, cols[j]):
            stack.append((j + 1, tuple(o - v for o, v in zip(open_rows, y)), done + [list(y)]))
    expected_total = fact[n]
    for r in rows:
        expected_total //= fact[r]
    assert total == expected_total, "enumeration missed tables"
    return Fraction(at_most, total)


def log_choose(n, k):
    return loggamma(n + 1) - loggamma(k + 1) - loggamma(n - k + 1)


def halves_p(t, z):
    """2 x K: meet in the middle over two halves of the columns (see the module text)."""
    first, second = t
    if sum(first) > sum(second):
        first, second = second, first
    cols = [a + b for a, b in zip(first, second)]
    k, n, R = len(cols), sum(cols), sum(first)
    # Per column: the box of first-row values and 50-digit log weights relative to the centre.
    # The weight is C(c, x) p^x q^(c - x) with p = R/n: the p and q factors are the same for
    # every table (sum x = R), and they keep each column's weight near 1 at its centre, so that
    # products of K of them stay within the range of doubles.
    lp, lq = log(mpf(R) / n), log(mpf(n - R) / n)

    def col_log(c, x):
        return log_choose(c, x) + x * lp + (c - x) * lq

    centre = [min(c, max(0, round(c * R / n))) for c in cols]
    log_total = col_log(n, R) - sum(col_log(c, m) for c, m in zip(cols, centre))
    boxes, logs, weights, left_out = [], [], [], mpf(0)
    for c, m in zip(cols, centre):
        lo, hi = max(0, R - (n - c)), min(c, R)
        # Marginal of x_j: hypergeometric; keep x with log P(x) >= log P(mode) - z.
        def log_marginal(x):
            return log_choose(c, x) + log_choose(n - c, R - x) - log_choose(n, R)
        mode = min(hi, max(lo, math.floor((R + 1) * (c + 1) / (n + 2))))
        top = log_marginal(mode)
        a = mode
        while a > lo and log_marginal(a - 1) >= top - z:
            a -= 1
        b = mode
        while b < hi and log_marginal(b + 1) >= top - z:
            b += 1
        # Bound on the marginal mass outside [a, b]: log-concave tails, ratio at the edge.
        for edge, step, end in ((a - 1, -1, lo), (b + 1, 1, hi)):
            if (step < 0 and edge < lo) or (step > 0 and edge > hi):
                continue
            p_edge = exp(log_marginal(edge))
            nxt = edge + step
            if (step < 0 and nxt < lo) or (step > 0 and nxt > hi):
                left_out += p_edge
                continue
            ratio = exp(log_marginal(nxt) - log_marginal(edge))
            left_out += p_edge / (1 - ratio) if ratio < 1 else p_edge * (abs(end - edge) + 1)
        xs = list(range(a, b + 1))
        lw = [col_log(c, x) - col_log(c, m) for x in xs]
        boxes.append(xs)
        logs.append(lw)
        weights.append([float(exp(v)) for v in lw])
    obs_log = sum(col_log(c, x) - col_log(c, m) for c, x, m in zip(cols, first, centre))
    threshold = obs_log + LOG_TOL
    thr = float(threshold)

    def fills(idx):
        """(first-row sum, float log weight, float weight, cells) for every fill of these columns, lazily."""
        def go(pos, s, lw, w, cells):
            if pos == len(idx):
                yield s, lw, w, cells
                return
            j = idx[pos]
            flog = flogs[j]
            for i, x in enumerate(boxes[j]):
                if s + x > R:
                    break
                yield from go(pos + 1, s + x, lw + flog[i], w * weights[j][i], cells + (i,))
        return go(0, 0, 0.0, 1.0, ())

    def size(idx):
        """Fills of these columns: those with first-row sum <= R, counted when R is small, else the box."""
        idx = list(idx)
        if R > 5_000:
            return math.prod(len(boxes[j]) for j in idx)
        ways = [1] + [0] * R
        for j in idx:
            nxt = [0] * (R + 1)
            for s0, w in enumerate(ways):
                if w:
                    for x in boxes[j]:
                        if s0 + x > R:
                            break
                        nxt[s0 + x] += w
            ways = nxt
        return sum(ways)

    flogs = [[float(v) for v in lw] for lw in logs]
    # The half kept in memory (grouped by first-row sum and sorted) is the smaller; the other is walked.
    best = None
    for h in range(1, k):
        a, b = size(range(h)), size(range(h, k))
        kept, walked = min(a, b), max(a, b)
        if kept <= MAX_KEPT and (best is None or walked < best[0]):
            best = (walked, h)
    if best is None or best[0] > MAX_WALKED:
        return None
    left_idx, right_idx = list(range(best[1])), list(range(best[1], k))
    if size(left_idx) < size(right_idx):
        left_idx, right_idx = right_idx, left_idx
    exact_log = lambda idx, cells: sum(logs[j][i] for j, i in zip(idx, cells))
    # Kept half: sorted by log weight, compensated running sums from the smallest weights up.
    groups = {}
    for s, lw, w, cells in fills(right_idx):
        groups.setdefault(s, []).append((lw, w, cells))
    prepared = {}
    for s, items in groups.items():
        items.sort(key=lambda e: e[0])
        lws = [e[0] for e in items]
        cum, acc, comp = [0.0], 0.0, 0.0
        for _, w, _ in items:
            y = w - comp
            tsum = acc + y
            comp = (tsum - acc) - y
            acc = tsum
            cum.append(acc)
        prepared[s] = (lws, cum, items)
    del groups
    terms = []
    ties = 0
    for s, la, wa, acells in fills(left_idx):
        other = prepared.get(R - s)
        if other is None:
            continue
        lws, cum, bitems = other
        sure = bisect_right(lws, thr - la - 1e-9)       # certainly counted: [0, sure)
        maybe = bisect_right(lws, thr - la + 1e-9)      # decided exactly: [sure, maybe)
        counted = cum[sure]
        if maybe > sure:
            exact_a = exact_log(left_idx, acells)
            for lb, wb, bcells in bitems[sure:maybe]:
                ties += 1
                if exact_a + exact_log(right_idx, bcells) <= threshold:
                    counted += wb
        if counted:
            terms.append(wa * counted)
    p = mpf(math.fsum(terms)) / exp(log_total)
    if p == 0:
        return 0.0, float("inf"), ties      # the counted tables lie beyond the box: widen it
    if p > 1.0000001:
        raise SystemExit(f"halves_p: p = {p} is not a probability (weights out of range?)")
    return float(min(p, 1)), float(left_out / p), ties


def main():
    """Computes every case of fisher_cases.txt; a case whose table is unchanged since the last run
    keeps its value unless --all is given (the halves method takes minutes on the largest)."""
    target = HERE / "fisher_exact.json"
    previous = {}
    if target.exists() and "--all" not in sys.argv:
        for c in json.loads(target.read_text()).get("cases", []):
            previous[(c["label"], json.dumps(c["table"]))] = c
    out = []
    for label, t in read_cases():
        start = time.time()
        kept = previous.get((label, json.dumps(t)))
        if kept is not None and kept["method"] != "none":
            out.append(kept)
            print(f"{label}: kept p = {kept['p']!r} ({kept['method']})", file=sys.stderr)
            write(target, out)
            continue
        reduced = drop_empty(t)
        if len(reduced) < 2 or len(reduced[0]) < 2:
            p, method, bound, detail = 1.0, "one table", 0.0, "fewer than two non-empty rows or columns"
        else:
            rows = [sum(r) for r in reduced]
            cols = [sum(c) for c in zip(*reduced)]
            two_rows = len(rows) == 2 or len(cols) == 2
            small_row = min(rows) if len(rows) == 2 else min(cols)
            lines = cols if len(rows) == 2 else rows
            # A 2 x K table has at most prod (min(c_j, R) + 1) first rows: no need to count when that is small or huge.
            upper = math.prod(min(c, small_row) + 1 for c in lines) if two_rows else None
            if two_rows and (upper > 10**12 or sum(rows) > 5_000):
                small = False                # integer weights of 5,000! and beyond are slow: halves
            else:
                small = count_tables(rows, cols, 3_000_000) <= 3_000_000
            p, method, bound, detail = None, "none", None, "too many tables for this script: checked against R only"
            if small:
                q = rational_p(reduced)
                p, method, bound, detail = float(q), "rational", 0.0, f"{q.numerator.bit_length()}-bit numerator"
            elif two_rows:
                two = reduced if len(reduced) == 2 else [list(c) for c in zip(*reduced)]
                z = 40
                while True:
                    result = halves_p(two, z)
                    if result is None or result[1] <= 1e-15:
                        break
                    z += 20
                if result is not None:
                    p, bound, ties = result
                    method, detail = "halves", f"box to log-marginal mode - {z}; {ties} near-ties decided at 50 digits"
        seconds = time.time() - start
        print(f"{label}: p = {p!r} ({method}, {seconds:.1f} s)", file=sys.stderr)
        out.append({"label": label, "table": t, "p": p, "method": method, "bound": bound, "detail": detail})
        write(target, out)


def write(target, out):
    """One case per line; written after every case, so that an interrupted run keeps what it finished."""
    target.write_text('{\n"generated_by": ' + json.dumps("fisher_exact.py with mpmath " + mpmath_version)
                      + ',\n"cases": [\n  ' + ",\n  ".join(json.dumps(c) for c in out) + "\n]\n}\n")


if __name__ == "__main__":
    main()

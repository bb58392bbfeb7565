#!/usr/bin/python3
"""The replication report's proportions and tests, computed with pandas and SciPy.

A yardstick for `analyze` (docs/benchmarks.md, "analyze: 100,000 participants vs pandas" and
"analyze vs pandas: 1,000,000 rows (issue 16, item 2)"; the benchmark verb `analyze-vs-pandas`
runs it): the same outcome CSV, the same per-task numbers, so that both the time and the values
can be compared. Run it with Debian's interpreter and packages (apt-get install -y
python3-pandas python3-scipy):

    /usr/bin/python3 tests/SelfRef.Benchmarks/pandas_reference.py --outcomes FILE.csv [--json OUT.json]
    /usr/bin/python3 tests/SelfRef.Benchmarks/pandas_reference.py --outcomes FILE.csv --compare DIR/results.json

The rows are counted as analyze counts them: task and condition names ignoring case (a
registered task spelled as registered, any other name as first seen), one row per participant
and task (the first; later ones are left out and counted), pilot and excluded rows left out.

Per task (pen, map, then others): n and k of classified rows, the proportion, the 95 %
Wilson and Clopper-Pearson intervals, the exact two-sided binomial test against the
reference (0.96 pen, 0.894 map), Cohen's h, latency median and quartiles (R's type 7) and
the Mann-Whitney test of self-referential against other latencies (normal approximation
with continuity correction). Rows without a classification are counted per missing reason; the
completion funnel counts participants present, with a first action per task, and completed.
Per task with two or more conditions: each level's n, k and Wilson interval, the Newcombe
(hybrid score) difference of every level from the first, Pearson's chi-square without
continuity correction, and Fisher's exact test with the conditional maximum-likelihood odds
ratio for 2 x 2 tables only (SciPy 1.10 has no 2 x K Fisher test). It does not draw figures or
write a report.

--compare reads the results.json that `analyze` wrote and prints every shared number side
by side; the exit code is 1 if any differs by more than 1e-6 relative.
"""
import time

STARTED = time.perf_counter()

import argparse  # noqa: E402  (timed: importing pandas and SciPy is part of the cost)
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

IMPORTED = time.perf_counter()

REFERENCES = {"pen": 0.96, "map": 0.894}
REGISTERED = ["pen", "map", "name-letters"]
LEVEL = 0.95
Z = stats.norm.ppf(1 - (1 - LEVEL) / 2)


OPTIONAL = ["task_order", "missing_reason", "completed", "pilot", "excluded"]


def read(path):
    # Only the columns the statistics need; empty text stays "" (a condition may be unnamed),
    # empty or NA numbers are missing, as OutcomeCsv reads them.
    header = pd.read_csv(path, nrows=0).columns
    return pd.read_csv(
        path,
        usecols=["participant", "task", "condition", "self_reference", "latency_ms"] + [c for c in OPTIONAL if c in header],
        dtype={"participant": str, "task": str, "condition": str, "missing_reason": str},
        keep_default_na=False,
        na_values={c: ["", "NA"] for c in ["self_reference", "latency_ms", "task_order", "completed", "pilot", "excluded"]},
    )


def canonical(names, registered):
    """Names compared ignoring case: a registered name as registered, any other as first seen."""
    first = {}
    for name in pd.unique(names):
        first.setdefault(name.lower(), registered.get(name.lower(), name))
    return names.str.lower().map(first)


def tidy(df):
    """Pilot and excluded rows out, names ignoring case, one row per participant and task (the first)."""
    for mark in ["pilot", "excluded"]:
        if mark in df:
            df = df[df[mark].fillna(0) != 1]
    df = df.assign(task=canonical(df["task"], {t: t for t in REGISTERED}), condition=canonical(df["condition"], {}))
    repeated = df.duplicated(["participant", "task"], keep="first")
    return df[~repeated], int(repeated.sum())


def task_order(tasks):
    return sorted(tasks, key=lambda t: (REGISTERED.index(t) if t in REGISTERED else len(REGISTERED), t))


def wilson(k, n):
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(k1, n1, k2, n2):
    (l1, u1), (l2, u2) = wilson(k1, n1), wilson(k2, n2)
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def per_task(df, coded, task):
    rows_all = df[df["task"] == task]
    rows = coded[coded["task"] == task]
    n = len(rows)
    k = int((rows["self_reference"] == 1).sum())
    p0 = REFERENCES.get(task)
    test = stats.binomtest(k, n, p0 if p0 is not None else 0.5)
    wilson = test.proportion_ci(confidence_level=LEVEL, method="wilson")
    cp = test.proportion_ci(confidence_level=LEVEL, method="exact")
    missing = rows_all[rows_all["self_reference"].isna()]
    reasons = missing["missing_reason"].fillna("unknown").value_counts() if "missing_reason" in missing else pd.Series({"unknown": len(missing)})
    latency = rows["latency_ms"].dropna().to_numpy()
    q1, median, q3 = np.quantile(latency, [0.25, 0.5, 0.75], method="linear") if len(latency) else (None,) * 3
    self_ms = rows.loc[rows["self_reference"] == 1, "latency_ms"].dropna().to_numpy()
    other_ms = rows.loc[rows["self_reference"] == 0, "latency_ms"].dropna().to_numpy()
    mw = (
        stats.mannwhitneyu(self_ms, other_ms, use_continuity=True, alternative="two-sided", method="asymptotic")
        if len(self_ms) and len(other_ms)
        else None
    )
    return {
        "task": task,
        "n": n,
        "k": k,
        "proportion": k / n,
        "reference": p0,
        "wilson_low": wilson.low,
        "wilson_high": wilson.high,
        "cp_low": cp.low,
        "cp_high": cp.high,
        "binomial_p": test.pvalue if p0 is not None else None,
        "cohens_h": 2 * math.asin(math.sqrt(k / n)) - 2 * math.asin(math.sqrt(p0)) if p0 is not None else None,
        "latency_median_ms": median,
        "latency_q1_ms": q1,
        "latency_q3_ms": q3,
        "latency_mann_whitney_w": float(mw.statistic) if mw else None,
        "latency_mann_whitney_p": float(mw.pvalue) if mw else None,
        "missing": {str(r): int(c) for r, c in sorted(reasons.items()) if c > 0},
    }


def per_condition(coded, task):
    rows = coded[coded["task"] == task]
    # Columns: condition levels in ordinal order; rows: self-referential, other.
    table = pd.crosstab(rows["self_reference"], rows["condition"]).reindex([1.0, 0.0], fill_value=0)
    table = table[sorted(table.columns)]
    if table.shape[1] < 2:
        return None
    chi2, p, dof, _ = stats.chi2_contingency(table.to_numpy(), correction=False)
    counts = table.to_numpy()
    fisher_p = stats.fisher_exact(counts)[1] if table.shape[1] == 2 else None
    # The second level's odds over the first's, conditional MLE (as R's fisher.test, levels swapped).
    odds = (float(stats.contingency.odds_ratio(counts[:, ::-1], kind="conditional").statistic)
            if table.shape[1] == 2 else None)
    ks, ns = counts[0], counts.sum(axis=0)
    return {
        "task": task,
        "levels": list(table.columns),
        "level_n": [int(n) for n in ns],
        "level_k": [int(k) for k in ks],
        "level_wilson": [wilson(int(k), int(n)) for k, n in zip(ks, ns)],
        "differences_from_first": [newcombe(int(k), int(n), int(ks[0]), int(ns[0])) for k, n in zip(ks[1:], ns[1:])],
        "odds_ratio_vs_first": odds,
        "chisq": float(chi2),
        "chisq_df": int(dof),
        "chisq_p": float(p),
        "fisher_p": fisher_p,
    }


def funnel(df, tasks):
    acted = df[df["self_reference"].notna() | df["latency_ms"].notna()]
    stages = [("in outcome table", int(df["participant"].nunique()))]
    stages += [(f"{t}: first action", int(acted.loc[acted["task"] == t, "participant"].nunique())) for t in tasks]
    if "completed" in df:
        stages.append(("completed", int(df.loc[df["completed"].fillna(1) == 1, "participant"].nunique())))
    return stages


def analyse(path):
    df = read(path)
    loaded = time.perf_counter()
    df, left_out = tidy(df)
    coded = df[df["self_reference"].notna()]
    tasks = task_order(df["task"].unique())
    result = {
        "participants": int(df["participant"].nunique()),
        "duplicate_rows_left_out": left_out,
        "tasks": [per_task(df, coded, t) for t in tasks],
        "conditions": [c for c in (per_condition(coded, t) for t in tasks) if c is not None],
        "funnel": funnel(df, tasks),
    }
    return result, loaded


def compare(ours, theirs_path):
    with open(theirs_path, encoding="utf-8") as f:
        theirs = json.load(f)
    worst = 0.0
    print(f"{'what':<34} {'analyze (results.json)':>26} {'pandas/SciPy':>26} {'rel. diff':>10}")

    def row(what, a, b):
        nonlocal worst
        if a is None or b is None:
            print(f"{what:<34} {str(a):>26} {str(b):>26} {'n/a':>10}")
            return
        a, b = float(a), float(b)
        # Below 1e-300 doubles are subnormal and carry fewer digits; compare there absolutely.
        scale = max(abs(a), abs(b))
        diff = 0.0 if a == b else abs(a - b) / scale if scale > 1e-300 else 0.0
        worst = max(worst, diff)
        flag = "" if diff <= 1e-9 else "  close" if diff <= 1e-6 else "  DIFFERENT"
        print(f"{what:<34} {a:>26.17g} {b:>26.17g} {diff:>10.1e}{flag}")

    row("participants", theirs["participants"], ours["participants"])
    fields = ["n", "k", "proportion", "reference", "wilson_low", "wilson_high", "cp_low", "cp_high", "binomial_p",
              "cohens_h", "latency_median_ms", "latency_q1_ms", "latency_q3_ms", "latency_mann_whitney_w",
              "latency_mann_whitney_p"]
    for mine in ours["tasks"]:
        other = next(t for t in theirs["tasks"] if t["task"] == mine["task"])
        for field in fields:
            row(f"{mine['task']}: {field}", other.get(field), mine[field])
    for mine in ours["conditions"]:
        other = next(c for c in theirs["conditions"] if c["task"] == mine["task"])
        if other["levels"] != mine["levels"]:
            print(f"{mine['task']}: condition levels differ: {other['levels']} vs {mine['levels']}")
            worst = math.inf
        for field in ["chisq", "chisq_df", "chisq_p", "fisher_p", "odds_ratio_vs_first"]:
            row(f"{mine['task']} by condition: {field}", other.get(field), mine[field])
        print(f"{mine['task'] + ' by condition: fisher_method':<34} {other.get('fisher_method', '?'):>26} "
              f"{'2x2 only' if len(mine['levels']) > 2 else 'exact':>26}")
    verdict = "all equal within 1e-9" if worst <= 1e-9 else "all within 1e-6" if worst <= 1e-6 else "SOME DIFFER"
    print(f"largest relative difference: {worst:.1e} ({verdict})")
    return worst <= 1e-6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", required=True, help="outcome CSV (participant,task,condition,self_reference,latency_ms,...)")
    parser.add_argument("--json", help="write the numbers here")
    parser.add_argument("--compare", metavar="RESULTS_JSON", help="results.json written by analyze, to compare with")
    args = parser.parse_args()

    result, loaded = analyse(args.outcomes)
    done = time.perf_counter()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2, default=float)
    for t in result["tasks"]:
        p = "" if t["binomial_p"] is None else f", reference {t['reference']}, exact binomial p = {t['binomial_p']:.3g}"
        print(f"{t['task']}: {t['k']}/{t['n']} = {t['proportion']:.1%} (95 % CI {t['wilson_low']:.1%}-{t['wilson_high']:.1%}){p}")
    for c in result["conditions"]:
        fisher = "" if c["fisher_p"] is None else f", Fisher p = {c['fisher_p']:.3g}, OR {c['odds_ratio_vs_first']:.3f}"
        print(f"{c['task']} by condition ({len(c['levels'])} levels): chi-square {c['chisq']:.3f}, df {c['chisq_df']}, p = {c['chisq_p']:.3g}{fisher}")
        for level, (d, low, high) in zip(c["levels"][1:], c["differences_from_first"]):
            print(f"  {level} - {c['levels'][0]}: {d:+.4f} (95 % CI {low:+.4f} to {high:+.4f})")
    print("funnel: " + ", ".join(f"{label} {count}" for label, count in result["funnel"]))
    if result["duplicate_rows_left_out"]:
        print(f"duplicate participant x task rows left out: {result['duplicate_rows_left_out']}")
    print(f"time: imports {IMPORTED - STARTED:.2f} s, read_csv {loaded - IMPORTED:.2f} s, statistics {done - loaded:.2f} s")
    if args.compare:
        return 0 if compare(result, args.compare) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

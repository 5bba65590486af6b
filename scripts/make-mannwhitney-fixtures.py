#!/usr/bin/env python3
"""Writes test/fixtures/mannwhitney.json: reference Mann-Whitney U results from scipy.

Each case holds two samples (canary x, baseline y) and what
scipy.stats.mannwhitneyu(x, y, method='auto') reports for the three alternatives, the method that
'auto' picked, and the Hodges-Lehmann shift (median of all pairwise differences x_i - y_j, by brute
force). Seeds are fixed, so re-running the script reproduces the file byte for byte.

    python3 scripts/make-mannwhitney-fixtures.py
"""
import json
import os

import numpy as np
import scipy
from scipy.stats import mannwhitneyu
from scipy.stats._mannwhitneyu import _mwu_choose_method

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'mannwhitney.json')


def case(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    result = {'name': name, 'x': x, 'y': y}
    for key, alternative in (('pGreater', 'greater'), ('pLess', 'less'), ('pTwoSided', 'two-sided')):
        r = mannwhitneyu(x, y, method='auto', alternative=alternative)
        result['u'] = float(r.statistic)
        result[key] = float(r.pvalue)
    ties = len(set(x + y)) < len(x) + len(y)
    result['method'] = _mwu_choose_method(len(x), len(y), ties)
    if len(x) * len(y) <= 250_000:
        result['hodgesLehmann'] = float(np.median(np.subtract.outer(np.array(x), np.array(y))))
    return result


def main():
    rng = np.random.default_rng(20261122)
    cases = []
    # Exact: min(n1, n2) <= 8 and no ties (continuous draws), from tiny to lopsided, with shifts
    # that push the p-values far into the tails.
    for n1, n2, shift in [(1, 1, 0), (1, 6, 2), (2, 3, 0.5), (3, 4, 1), (5, 5, 0), (5, 5, 3), (8, 8, 1.5),
                          (8, 8, 4), (4, 30, 1), (8, 200, 2), (3, 500, -2), (7, 1000, 0.3), (30, 6, -1)]:
        x = rng.normal(shift, 1, n1)
        y = rng.normal(0, 1, n2)
        cases.append(case(f'exact {n1}x{n2} shift {shift}', x, y))
    # Asymptotic without ties: both samples larger than 8.
    for n1, n2, shift in [(9, 9, 0), (9, 12, 1), (20, 30, 0.5), (100, 80, -0.3), (500, 600, 0.1),
                          (2000, 1500, 0.05), (60, 60, 1.5)]:
        x = rng.lognormal(shift, 0.5, n1)
        y = rng.lognormal(0, 0.5, n2)
        cases.append(case(f'asymptotic {n1}x{n2} shift {shift}', x, y))
    # Ties: asymptotic with tie-corrected variance even when a sample is small.
    for n1, n2, levels in [(3, 4, 3), (5, 6, 4), (8, 8, 3), (12, 15, 5), (200, 150, 10), (1000, 1000, 20)]:
        x = rng.integers(0, levels, n1) + (rng.random() < 0.5)
        y = rng.integers(0, levels, n2)
        cases.append(case(f'ties {n1}x{n2} {levels} levels', x, y))
    # Latency-like values rounded to milliseconds (many ties), and the degenerate all-equal case.
    cases.append(case('rounded latency 50x50', np.round(rng.gamma(4, 30, 50)), np.round(rng.gamma(4, 25, 50))))
    cases.append(case('all values equal 4x5', [7] * 4, [7] * 5))
    cases.append(case('all values equal 10x12', [0.25] * 10, [0.25] * 12))
    with open(OUT, 'w') as f:
        json.dump({'generator': 'scripts/make-mannwhitney-fixtures.py', 'scipy': scipy.__version__, 'cases': cases}, f)
        f.write('\n')


if __name__ == '__main__':
    main()

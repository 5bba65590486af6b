#!/usr/bin/env python3
"""Writes test/fixtures/special-functions.json: reference values of the judge's special functions from scipy.

- normalCdf: scipy.special.ndtr(z) for z from -38 to 38 (the lower end deep in the subnormals),
  including the points where src/core/judge/special-functions.ts changes method;
- normalQuantile: scipy.special.ndtri(p) for p from 1e-300 to 1 - 1e-16;
- regularizedBeta: scipy.special.betainc(a, b, x) for small a, b and for a, b up to 1e7 with x at,
  near and far from the mean;
- binomialUpperBound: scipy.stats.beta.ppf(1 - alpha, k + 1, n - k), the Clopper-Pearson upper
  bound of k errors in n trials, n up to 1e7.

Everything is a fixed grid, so re-running the script reproduces the file byte for byte.

    python3 scripts/make-special-functions-fixtures.py
"""
import json
import math
import os

import numpy as np
import scipy
from scipy.special import betainc, ndtr, ndtri
from scipy.stats import beta

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'special-functions.json')


def normal_cdf_cases():
    zs = [round(z, 2) for z in np.arange(-38, 38.001, 0.25)]
    # Around the switch between the series and the continued fraction (|z| = 1.5), near 0, and odd points.
    zs += [-1.5000001, -1.5, -1.4999999, 1.4999999, 1.5, 1.5000001, -1e-10, 1e-10, -0.3183, 2.7183, -8.31, -26.6, -37.3]
    return [{'z': float(z), 'p': float(ndtr(z))} for z in zs]


def normal_quantile_cases():
    ps = [10.0 ** -k for k in range(1, 301, 3)] + [1e-300, 3e-7, 0.0013, 0.02275, 0.0668, 0.05, 0.0500001]
    ps += [float(p) for p in np.linspace(0.01, 0.99, 50)]
    ps += [0.5 - 1e-12, 0.5 + 1e-12, 0.975, 0.995, 1 - 1e-10]
    ps += [1 - 10.0 ** -k for k in range(1, 17)]
    return [{'p': p, 'z': float(ndtri(p))} for p in ps]


def regularized_beta_cases():
    cases = []
    small = [0.5, 1, 2, 3.5, 10, 30]
    for a in small:
        for b in small:
            for x in [1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-6]:
                cases.append((x, a, b))
    # Large parameters: x at the mean and k standard deviations either side of it.
    large = [(1e3, 1e3), (1e5, 2e5), (1e6, 1e6), (1e7, 1e7), (1e7, 1), (1, 1e7), (1e7, 30), (50, 1e7), (1e7, 1e5), (3e6, 7e6)]
    for a, b in large:
        mean = a / (a + b)
        sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        for k in [-30, -10, -3, -1, -0.3, 0, 0.3, 1, 3, 10, 30]:
            x = mean + k * sd
            if 0 < x < 1:
                cases.append((x, a, b))
    out = []
    for x, a, b in cases:
        value = float(betainc(a, b, x))
        # Values below 1e-300 lose their precision in subnormals; values rounding to 1 say nothing.
        if 1e-300 <= value < 1:
            out.append({'x': float(x), 'a': float(a), 'b': float(b), 'value': value})
    return out


def binomial_bound_cases():
    cases = []
    for n in [1, 10, 100, 1000, 4600, 10 ** 5, 10 ** 6, 5 * 10 ** 6, 10 ** 7]:
        for k in sorted({0, 1, 3, 10, n // 1000, n // 100, n // 2, n - 1}):
            if 0 <= k < n:
                for alpha in [0.05, 0.01, 0.001]:
                    cases.append({'errors': k, 'trials': n, 'alpha': alpha, 'bound': float(beta.ppf(1 - alpha, k + 1, n - k))})
    return cases


def main():
    fixture = {
        'generator': 'scripts/make-special-functions-fixtures.py',
        'scipy': scipy.__version__,
        'normalCdf': normal_cdf_cases(),
        'normalQuantile': normal_quantile_cases(),
        'regularizedBeta': regularized_beta_cases(),
        'binomialUpperBound': binomial_bound_cases(),
    }
    with open(OUT, 'w') as f:
        json.dump(fixture, f)
        f.write('\n')


if __name__ == '__main__':
    main()

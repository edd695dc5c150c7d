"""Fit the polynomials of ``tensorgrad.ops.math``'s float32 erf (run once; prints the coefficients).

erf on float32 needs about 7 correct digits, so two least-squares polynomial fits to the float64 series
(``erf_array`` on float64) are enough:
  |x| < 1      erf(x) = x P(x^2),                 P of degree 6   (fit error ~3e-9 relative)
  1 <= |x| < 4 erf(x) = 1 - e^(-x^2) Q(1/x),      Q of degree 10  (erfc(x) e^(x^2) is smooth in 1/x; ~1e-8)
and erf(x) = sign(x) beyond 4, where erfc(4) ~ 1.5e-8 is below float32's half-ulp at 1 (6e-8).

    python scripts/fit_erf_float32.py
"""

from __future__ import annotations

import numpy as np
from numpy.polynomial import Polynomial

from tensorgrad.ops.math import erf_array


def fit() -> tuple[list[float], list[float]]:
    x = np.sqrt(np.linspace(0, 1, 4000))[1:]
    near = Polynomial.fit(x * x, erf_array(x) / x, 6).convert().coef
    x = np.linspace(1, 4, 6000)
    far = Polynomial.fit(1 / x, (1 - erf_array(x)) * np.exp(x * x), 10).convert().coef
    return near.tolist(), far.tolist()


if __name__ == "__main__":
    near, far = fit()
    print("_ERF32_NEAR =", tuple(near))
    print("_ERF32_FAR =", tuple(far))

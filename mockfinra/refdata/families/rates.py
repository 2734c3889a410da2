"""Shared tables for the families: the rate history behind synthetic coupons, and coupon texts."""

from __future__ import annotations

import numpy as np

WEEKDAYS_PER_YEAR = 261
FIRST_RATE_YEAR = 1990

#: ASSUMPTION: approximate average 10-year Treasury yield by year, the base of synthetic coupons
RATES = np.array(
    [
        8.6,
        7.9,
        7.0,
        5.9,
        7.1,
        6.6,
        6.4,
        6.4,
        5.3,
        5.6,  # 1990-1999
        6.0,
        5.0,
        4.6,
        4.0,
        4.3,
        4.3,
        4.8,
        4.6,
        3.7,
        3.3,  # 2000-2009
        3.2,
        2.8,
        1.8,
        2.4,
        2.5,
        2.1,
        1.8,
        2.3,
        2.9,
        2.1,  # 2010-2019
        0.9,
        1.4,
        3.0,
        4.0,
        4.2,
        4.3,  # 2020-2025
    ]
)
FUTURE_RATE = 4.0

#: coupon text by eighths of a percent: COUPONS[41] == "5.125"
COUPONS = np.array([f"{eighths / 8:.3f}" for eighths in range(8 * 25)], dtype=object)


def base_rate(year: np.ndarray) -> np.ndarray:
    index = year - FIRST_RATE_YEAR
    inside = RATES[np.clip(index, 0, len(RATES) - 1)]
    return np.where(index >= len(RATES), FUTURE_RATE, inside)


def term_adjustment(tenor_years: np.ndarray) -> np.ndarray:
    return np.select(
        [tenor_years <= 1, tenor_years <= 3, tenor_years <= 5, tenor_years <= 10],
        [-0.5, -0.35, -0.15, 0.0],
        0.35,
    )


def coupon_eighths(rate: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(rate * 8), 1, len(COUPONS) - 1).astype(np.int64)

"""Seeds, bijections and CUSIP check digits (no `hash()` of strings, no wall clock).

Everything here is a pure function of its arguments, so the same seed gives byte-identical files on
every run and every platform. The array versions used by the generators are in `vec.py`.
"""

from __future__ import annotations

import hashlib
import math
import random

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def derive_seed(seed: int, *labels: str) -> int:
    """A 64-bit seed for one named stream (stable across Python versions, unlike `hash(str)`)."""
    text = "/".join((str(seed), *labels)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


class Scrambler:
    """A bijection of `range(modulus)`: `x -> (a*x + b) % modulus` with `gcd(a, modulus) == 1`.

    Turns small sequential numbers into random-looking but collision-free codes.
    """

    def __init__(self, modulus: int, rng: random.Random) -> None:
        self.modulus = modulus
        a = rng.randrange(modulus // 3, modulus) | 1
        while math.gcd(a, modulus) != 1:
            a += 2
        self.a = a
        self.b = rng.randrange(modulus)

    def __call__(self, x: int) -> int:
        return (x * self.a + self.b) % self.modulus


def _cusip_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - 55
    return {"*": 36, "@": 37, "#": 38}[char]


def cusip_digit_sum(chars: str, start: int = 0) -> int:
    """The check-digit sum contributed by `chars` placed at 0-based position `start` onwards."""
    total = 0
    for offset, char in enumerate(chars):
        value = _cusip_value(char)
        if (start + offset) % 2 == 1:
            value *= 2
        total += value // 10 + value % 10
    return total


def cusip_check_digit(base8: str) -> str:
    """The ninth character of a CUSIP (modulus 10 "double-add-double")."""
    if len(base8) != 8:
        raise ValueError("a CUSIP base has 8 characters")
    return str((10 - cusip_digit_sum(base8) % 10) % 10)


def is_valid_cusip(cusip: str) -> bool:
    return len(cusip) == 9 and cusip[8].isdigit() and cusip_check_digit(cusip[:8]) == cusip[8]

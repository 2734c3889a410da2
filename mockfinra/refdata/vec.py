"""Column helpers for the generators (numpy, integer-only so results are identical everywhere).

Imported only when a universe is first built: numpy stays out of the app's cold start.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from mockfinra.refdata.calendar import EPOCH
from mockfinra.refdata.mixing import ALNUM, GOLDEN, LETTERS, Scrambler

U64 = np.uint64
I64 = np.int64
#: "no change" marker for change days
NONE = np.int64(2**62)
_ALNUM = np.frombuffer(ALNUM.encode(), dtype=np.uint8)
_LETTERS = np.frombuffer(LETTERS.encode(), dtype=np.uint8)
_DIGITS = _ALNUM[:10]
_EPOCH = np.datetime64(EPOCH.isoformat(), "D")


def mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser over a uint64 array (wrapping arithmetic)."""
    z = x + U64(GOLDEN)
    z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
    return z ^ (z >> U64(31))


def hashed(values: np.ndarray, salt: int) -> np.ndarray:
    """A well-spread uint64 per value (int64 values wrap into uint64)."""
    return mix(values.astype(U64) ^ U64(salt & 0xFFFFFFFFFFFFFFFF))


def bits(h: np.ndarray, shift: int, width: int) -> np.ndarray:
    return ((h >> U64(shift)) & U64((1 << width) - 1)).astype(I64)


def frac(h: np.ndarray, shift: int, width: int = 16) -> np.ndarray:
    """Bits as floats in [0, 1)."""
    return bits(h, shift, width) / float(1 << width)


def scramble(scrambler: Scrambler, x: np.ndarray) -> np.ndarray:
    """The scrambler's bijection over an int64 array (moduli are kept small enough not to overflow)."""
    return (x % scrambler.modulus * scrambler.a + scrambler.b) % scrambler.modulus


class Table:
    """A weighted choice: `codes(bits10)` -> value indices; `values` holds the choices."""

    def __init__(self, choices: Sequence[tuple[object, float]], size: int = 1024) -> None:
        self.values = tuple(value for value, _ in choices)
        total = sum(weight for _, weight in choices)
        edges = np.cumsum([weight for _, weight in choices]) / total * size
        self.lookup = np.searchsorted(np.round(edges), np.arange(size), side="right").astype(I64)
        self.lookup = np.minimum(self.lookup, len(self.values) - 1)
        self.objects = np.array(self.values, dtype=object)

    def codes(self, draw: np.ndarray) -> np.ndarray:
        return self.lookup[draw]

    def pick(self, draw: np.ndarray) -> np.ndarray:
        """Object array of the chosen values."""
        return self.objects[self.lookup[draw]]


def objects(values: Sequence[object]) -> np.ndarray:
    return np.array(values, dtype=object)


def encode(values: np.ndarray, width: int, alphabet: np.ndarray = _ALNUM) -> np.ndarray:
    """Base-len(alphabet) digits of non-negative ints as an (n, width) uint8 character matrix."""
    base = len(alphabet)
    out = np.empty((len(values), width), dtype=np.uint8)
    rest = values.astype(I64)
    for column in range(width - 1, -1, -1):
        out[:, column] = alphabet[rest % base]
        rest = rest // base
    return out


def letters(values: np.ndarray, width: int) -> np.ndarray:
    return encode(values, width, _LETTERS)


def digits(values: np.ndarray, width: int) -> np.ndarray:
    return encode(values, width, _DIGITS)


def chars(text: str, n: int) -> np.ndarray:
    """A constant text repeated as an (n, len(text)) matrix."""
    return np.tile(np.frombuffer(text.encode(), dtype=np.uint8), (n, 1))


def char_column(table: Sequence[str], index: np.ndarray) -> np.ndarray:
    """One character per row, picked from `table` by `index`."""
    lookup = np.frombuffer("".join(table).encode(), dtype=np.uint8)
    return lookup[index][:, None]


def strings(matrix: np.ndarray) -> list[str]:
    """An (n, width) uint8 character matrix as a list of Python strings."""
    n, width = matrix.shape
    if n == 0:
        return []
    flat = np.ascontiguousarray(matrix).view(f"S{width}").ravel()
    return flat.astype(f"U{width}").tolist()


def with_cusip_check(base8: np.ndarray) -> np.ndarray:
    """Append the CUSIP check digit to an (n, 8) matrix of CUSIP bases."""
    codes = base8.astype(np.int16)
    values = np.where(codes < 58, codes - 48, codes - 55)
    values[:, 1::2] *= 2
    total = (values // 10 + values % 10).sum(axis=1)
    check = ((10 - total % 10) % 10 + 48).astype(np.uint8)  # sums stay far below int16 limits
    return np.concatenate([base8, check[:, None]], axis=1)


def weekday_days(w: np.ndarray) -> np.ndarray:
    """Calendar-day offsets from the epoch of weekday indices."""
    return (w // 5) * 7 + w % 5


def years(w: np.ndarray) -> np.ndarray:
    dates = _EPOCH + weekday_days(w).astype("timedelta64[D]")
    return dates.astype("datetime64[Y]").astype(I64) + 1970


def day_strings(w: np.ndarray) -> list[str]:
    """YYYYMMDD strings of weekday indices (vectorised through numpy's datetime formatting)."""
    if len(w) == 0:
        return []
    dates = _EPOCH + weekday_days(w).astype("timedelta64[D]")
    iso = np.datetime_as_string(dates, unit="D").astype("U10")  # YYYY-MM-DD
    codes = iso.view(np.uint32).reshape(len(w), 10)[:, [0, 1, 2, 3, 5, 6, 8, 9]]
    return strings(codes.astype(np.uint8))


def concat(*parts: np.ndarray | list[str]) -> list[str]:
    """Row-wise string concatenation of object arrays / lists."""
    if len(parts) == 1:
        return list(parts[0])
    out = parts[0]
    for part in parts[1:]:
        out = np.asarray(out, dtype=object) + np.asarray(part, dtype=object)
    return list(out)

"""Debt universes: TRACE corporate & agency bonds, securitized products and Treasuries.

Every value is synthetic; code lists not in the reference are ASSUMPTIONs (see docs/refdata.md).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from mockfinra.refdata import vec
from mockfinra.refdata.families.fields import FIELDS
from mockfinra.refdata.families.rates import (
    COUPONS,
    WEEKDAYS_PER_YEAR,
    base_rate,
    coupon_eighths,
    term_adjustment,
)
from mockfinra.refdata.mixing import Scrambler
from mockfinra.refdata.pools import NamePools
from mockfinra.refdata.universe import Family, Lives

I64 = np.int64

# (name, TRACE symbol root, CUSIP issuer prefix): real agency prefixes, synthetic issue numbers
AGENCIES = (
    ("FEDERAL HOME LOAN BANKS", "FHLB", "3130A"),
    ("FEDERAL NATIONAL MORTGAGE ASSOCIATION", "FNMA", "3135G"),
    ("FEDERAL HOME LOAN MORTGAGE CORP", "FMCC", "3134G"),
    ("FEDERAL FARM CREDIT BANKS FUNDING CORP", "FFCB", "3133E"),
    ("TENNESSEE VALLEY AUTHORITY", "TVA", "88059"),
)
CORP, AGCY, ELN, CHRC = range(4)
SUBPRODUCTS = vec.objects(("CORP", "AGCY", "ELN", "CHRC"))
TENORS = {
    CORP: vec.Table(((1, 3), (2, 10), (3, 12), (5, 22), (7, 13), (10, 22), (15, 3), (20, 5), (30, 10))),
    AGCY: vec.Table(((1, 20), (2, 25), (3, 20), (5, 20), (10, 15))),
    ELN: vec.Table(((1, 40), (2, 30), (3, 20), (5, 10))),
    CHRC: vec.Table(((5, 20), (10, 40), (15, 20), (20, 20))),
}
SECURITY_TYPES = vec.Table((("BOND", 55), ("NOTE", 35), ("DEB", 10)))
SECURITY_SUBTYPES = vec.Table((("", 70), ("MTN", 18), ("CALL", 8), ("SINK", 4)))
DEBT_TYPES = vec.Table((("SR-UNSEC", 60), ("SR-SEC", 15), ("SUB", 15), ("SR-SUB", 7), ("JR-SUB", 3)))
SYMBOL, NAME, FLAG, TRANCHE = range(4)
CORPORATE_CHANGES = vec.Table(((SYMBOL, 45), (NAME, 35), (FLAG, 20)))


def symbol_root(name: str) -> str:
    """A TRACE-style symbol root from an issuer name (ASSUMPTION: root + 7 digits)."""
    letters = "".join(char for char in name.split(" ")[0] if char.isalpha())
    return (letters or "X")[:4]


def pick_numbers(table: vec.Table, draw: np.ndarray) -> np.ndarray:
    return np.array(table.values, dtype=I64)[table.codes(draw)]


def ordinal_within(groups: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements share its group (0, 1, 2, ...)."""
    n = len(groups)
    order = np.argsort(groups, kind="stable")
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ranks = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    out = np.empty(n, dtype=I64)
    out[order] = ranks
    return out


def issuer_codes(numbers: np.ndarray, scrambler: Scrambler) -> np.ndarray:
    """Six-character CUSIP issuer numbers (a digit, five alphanumerics) as an (n, 6) matrix."""
    code = vec.scramble(scrambler, numbers)
    return np.concatenate([vec.digits(code // 36**5, 1), vec.encode(code % 36**5, 5)], axis=1)


def symbol_digits(scrambler: Scrambler, number: np.ndarray) -> list[str]:
    return vec.strings(vec.digits(vec.scramble(scrambler, number % 10**7), 7))


def finra_ids(scrambler: Scrambler, slot: np.ndarray, g: np.ndarray) -> list[str]:
    return vec.strings(
        vec.digits(100_000_000 + vec.scramble(scrambler, (slot * 64 + g % 64) % (9 * 10**8)), 9)
    )


class CorporateBonds(Family):
    """TRACE corporate and agency debt (CAMASTER): issuers with many bonds, refinanced at maturity."""

    name = "corporate"
    fields = FIELDS["corporate"]
    change_kinds = {"SYM_CD": "symbol", "CMPNY_NM": "name", "RULE_144A_FL": "flag"}
    occupancy = 0.95

    def setup(self, n: int, seed: int, pools: NamePools) -> None:
        rng = random.Random(seed)
        self.companies = vec.objects(pools.companies)
        self.symbol_scramble = Scrambler(10**7, rng)
        self.id_scramble = Scrambler(9 * 10**8, rng)
        issuer_scramble = Scrambler(10 * 36**5, rng)
        pool_scramble = Scrambler(len(pools.companies), rng)
        static = vec.hashed(np.arange(n, dtype=I64), seed)

        n_corporate = max(8, n // 12)
        n_churches = max(1, n // 150)
        name_index = vec.scramble(pool_scramble, np.arange(n_corporate, dtype=I64))
        names = list(self.companies[name_index]) + [agency[0] for agency in AGENCIES]
        names += [f"{rng.choice(pools.surnames)} MEMORIAL CHURCH" for _ in range(n_churches)]
        self.issuer_name = vec.objects(names)
        self.issuer_root = vec.objects(
            [symbol_root(name) for name in names[:n_corporate]]
            + [a[1] for a in AGENCIES]
            + ["CHRC"] * n_churches
        )
        self.name_index = np.concatenate([name_index, np.zeros(len(AGENCIES) + n_churches, dtype=I64)])
        issuer_hash = vec.hashed(np.arange(len(names), dtype=I64), seed ^ 0x1550)
        corporate = np.arange(len(names)) < n_corporate
        self.investment_grade = np.where(
            corporate, vec.frac(issuer_hash, 0) < 0.7, np.arange(len(names)) < n_corporate + len(AGENCIES)
        )
        self.rule144a_threshold = np.where(
            corporate, (0.08 + 0.35 * vec.frac(issuer_hash, 16)) * 1024, 0
        ).astype(I64)

        draw = vec.bits(static, 0, 10)
        sub = np.select([draw < 102, draw < 113, draw < 154], [AGCY, CHRC, ELN], CORP)
        issuer = np.select(
            [sub == AGCY, sub == CHRC, sub == ELN],
            [
                n_corporate + vec.bits(static, 30, 8) % len(AGENCIES),
                n_corporate + len(AGENCIES) + vec.bits(static, 38, 16) % n_churches,
                vec.bits(static, 30, 8) % min(20, n_corporate),
            ],
            np.minimum((n_corporate * vec.frac(static, 10, 20) ** 2.2).astype(I64), n_corporate - 1),
        )
        years = np.zeros(n, dtype=I64)
        for code, table in TENORS.items():
            years = np.where(sub == code, pick_numbers(table, vec.bits(static, 40, 10)), years)
        self.sub, self.issuer = sub, issuer

        ordinal = ordinal_within(issuer)
        _, block = np.unique(issuer * (n // 36 + 2) + ordinal // 36, return_inverse=True)
        cusip7 = np.concatenate(
            [issuer_codes(block.ravel(), issuer_scramble), vec.encode(ordinal % 36, 1)], axis=1
        )
        for number, (_, _, prefix) in enumerate(AGENCIES):
            rows = issuer == n_corporate + number
            cusip7[rows, :4] = np.frombuffer(prefix[:4].encode(), dtype=np.uint8)
            cusip7[rows, 4] = vec.encode((int(prefix[4], 36) + ordinal[rows] // 36**2) % 36, 1)[:, 0]
            cusip7[rows, 5] = vec.encode((ordinal[rows] // 36) % 36, 1)[:, 0]
        self.cusip7 = cusip7
        self.slots_from(n, seed, years * WEEKDAYS_PER_YEAR + vec.bits(static, 50, 4) % 11 - 5)

    def lifecycle(self, lives: Lives) -> None:
        h, start = lives.h, lives.start
        period = self.period[lives.slot]
        gap = np.minimum(vec.bits(h, 0, 3), period // 8)
        added = start + gap
        early = vec.bits(h, 3, 10) < 100  # ~10% called or redeemed before maturity
        early_end = added + np.maximum(1, ((period - gap) * (0.1 + 0.85 * vec.frac(h, 13, 8))).astype(I64))
        deleted = np.where(early, early_end, start + period)
        span = deleted - added
        roll = vec.bits(h, 21, 10)
        h2 = vec.mix(h)
        lives.added, lives.deleted = added, deleted
        lives.c1 = np.where(roll < 220, added + 1 + ((span - 1) * vec.frac(h2, 0)).astype(I64), vec.NONE)
        lives.c2 = np.where(roll < 40, added + 1 + ((span - 1) * vec.frac(h2, 26)).astype(I64), vec.NONE)
        lives.k1 = CORPORATE_CHANGES.pick(vec.bits(h2, 16, 10)).astype(I64)
        lives.k2 = CORPORATE_CHANGES.pick(vec.bits(h2, 42, 10)).astype(I64)

    def matured(self, lives: Lives) -> np.ndarray:
        return lives.deleted == lives.start + self.period[lives.slot]

    def columns(self, lives: Lives, version: np.ndarray) -> list[Any]:
        s, g = lives.slot, lives.g
        m = len(s)
        h2 = vec.mix(lives.h ^ np.uint64(0x5BD1E9955BD1E995))
        issuer, sub = self.issuer[s], self.sub[s]
        rule144a = (sub == CORP) & (vec.bits(h2, 0, 10) < self.rule144a_threshold[issuer])
        kind_roll = vec.bits(h2, 10, 10)
        zero = (kind_roll < 25) & ((sub == CORP) | (sub == ELN))
        floating = (kind_roll < 90) & (sub != CHRC) & ~zero
        u = vec.frac(h2, 20, 8)
        spread = np.select(
            [sub == AGCY, sub == CHRC, self.investment_grade[issuer]],
            [0.1 + 0.2 * u, 2.5 + 2.0 * u, 0.6 + 1.4 * u],
            2.8 + 3.5 * u,
        )
        tenor = self.period[s] / WEEKDAYS_PER_YEAR
        rate = (
            base_rate(vec.years(lives.added))
            + term_adjustment(tenor)
            + spread
            + 0.5 * vec.frac(h2, 28, 8)
            - 0.25
        )
        eighths = np.where(zero, 0, coupon_eighths(rate))

        first, second = version >= 1, version >= 2
        symbol_changes = (first & (lives.k1 == SYMBOL)).astype(I64) + (second & (lives.k2 == SYMBOL))
        name_changes = (first & (lives.k1 == NAME)).astype(I64) + (second & (lives.k2 == NAME))
        flagged = (first & (lives.k1 == FLAG)) | (second & (lives.k2 == FLAG))
        symbol_changes += flagged & ~rule144a  # no 144A to exchange: the change is a new symbol
        rule144a &= ~flagged  # a 144A bond exchanged into a registered one

        renamed = self.companies[(self.name_index[issuer] + 7919 * name_changes + s) % len(self.companies)]
        names = np.where(name_changes > 0, renamed, self.issuer_name[issuer])
        cusips = vec.strings(
            vec.with_cusip_check(np.concatenate([self.cusip7[s], vec.encode(g % 36, 1)], axis=1))
        )
        symbols = vec.concat(
            self.issuer_root[issuer],
            symbol_digits(self.symbol_scramble, (s * 16 + g % 16) * 3 + symbol_changes),
        )
        return [
            finra_ids(self.id_scramble, s, g),
            cusips,
            symbols,
            names,
            SUBPRODUCTS[sub],
            np.where(sub == AGCY, "NOTE", SECURITY_TYPES.pick(vec.bits(h2, 36, 10))),
            SECURITY_SUBTYPES.pick(vec.bits(h2, 46, 10)),
            np.where((sub == AGCY) | (sub == ELN), "SR-UNSEC", DEBT_TYPES.pick(vec.bits(h2, 50, 10))),
            COUPONS[eighths],
            np.where(zero, "Z", np.where(floating, "V", "F")),
            self.day(lives.added),
            self.day(lives.start + self.period[s]),
            np.where(self.investment_grade[issuer], "I", "H"),
            np.where(rule144a, "Y", "N"),
            np.where(vec.bits(h2, 56, 6) == 0, "N", "Y"),
            [""] * m,  # ASSUMPTION: ACCRD_INTRS_AM is not populated
            np.where((sub == CORP) & (vec.bits(h2, 60, 4) == 0), "Y", "N"),
        ]


MBS, CMO, ABS, CMBS, TBA, SBA = range(6)
SP_SUBPRODUCTS = vec.objects(("MBS", "CMO", "ABS", "CMBS", "TBA", "SBA"))
SP_MIX = vec.Table(((MBS, 40), (CMO, 20), (ABS, 16), (CMBS, 10), (TBA, 10), (SBA, 4)))
SP_TENORS = {
    MBS: vec.Table(((15, 30), (30, 70))),
    CMO: vec.Table(((10, 20), (20, 30), (30, 50))),
    ABS: vec.Table(((3, 40), (5, 40), (7, 20))),
    CMBS: vec.Table(((10, 70), (30, 30))),
    TBA: vec.Table(((1, 100),)),
    SBA: vec.Table(((10, 50), (25, 50))),
}
SHELVES = (("FNMA", "FN", "3140"), ("FHLMC", "FR", "3132"), ("GNMA", "G2", "3622"))
TRUSTS = vec.objects(
    (" MORTGAGE TRUST", " MORTGAGE TRUST", " RECEIVABLES TRUST", " MORTGAGE TRUST", " TRUST", " LOAN TRUST")
)
TRANCHES = vec.objects(("A1", "A2", "A3", "A4", "AS", "B", "C", "D", "M1", "M2", "PT", "IO", "PO", "Z"))
TBA_SETTLEMENT = vec.objects(("A", "B", "C", "D"))


class SecuritizedProducts(Family):
    """TRACE securitized products: agency pools, CMOs, ABS, CMBS, TBA and SBA securities."""

    name = "securitized"
    fields = FIELDS["securitized"]
    change_kinds = {"BSYM": "symbol", "SYM_CD": "symbol", "TRANCHE_ID": "tranche"}
    occupancy = 0.8

    def setup(self, n: int, seed: int, pools: NamePools) -> None:
        rng = random.Random(seed)
        self.agency_scramble = Scrambler(36**4, rng)
        self.private_scramble = Scrambler(36**5, rng)
        self.symbol_scramble = Scrambler(10**7, rng)
        self.id_scramble = Scrambler(9 * 10**8, rng)
        static = vec.hashed(np.arange(n, dtype=I64), seed)
        sub = SP_MIX.codes(vec.bits(static, 0, 10))
        agency = (sub == MBS) | (sub == TBA) | ((sub == CMO) & (vec.bits(static, 10, 4) < 10))
        self.shelf = np.where(agency, vec.bits(static, 14, 8) % len(SHELVES), -1)
        bases = [name.rsplit(" ", 1)[0] for name in pools.companies]
        company = vec.bits(static, 22, 20) % len(bases)
        self.private_name = vec.objects(bases)[company] + TRUSTS[sub]
        self.private_root = vec.objects([symbol_root(base) for base in bases])[company]
        years = np.zeros(n, dtype=I64)
        for code, table in SP_TENORS.items():
            years = np.where(sub == code, pick_numbers(table, vec.bits(static, 42, 10)), years)
        self.sub = sub
        self.slots_from(n, seed, years * WEEKDAYS_PER_YEAR + vec.bits(static, 52, 6) % 41 - 20)

    def lifecycle(self, lives: Lives) -> None:
        h, start = lives.h, lives.start
        period = self.period[lives.slot]
        gap = np.minimum(vec.bits(h, 0, 4), period // 8)
        added = start + gap
        early = (self.sub[lives.slot] != TBA) & (vec.bits(h, 4, 10) < 450)  # paid down or collapsed early
        early_end = added + np.maximum(1, ((period - gap) * (0.15 + 0.8 * vec.frac(h, 14, 8))).astype(I64))
        deleted = np.where(early, early_end, start + period)
        roll = vec.bits(h, 22, 10)
        lives.added, lives.deleted = added, deleted
        lives.c1 = np.where(
            roll < 160, added + 1 + ((deleted - added - 1) * vec.frac(h, 32)).astype(I64), vec.NONE
        )
        lives.c2 = np.full(len(h), vec.NONE)
        lives.k1 = np.where(roll < 100, SYMBOL, TRANCHE)
        lives.k2 = np.full(len(h), SYMBOL)

    def matured(self, lives: Lives) -> np.ndarray:
        return lives.deleted == lives.start + self.period[lives.slot]

    def columns(self, lives: Lives, version: np.ndarray) -> list[Any]:
        s, g = lives.slot, lives.g
        m = len(s)
        h2 = vec.mix(lives.h ^ np.uint64(0x2545F4914F6CDD1D))
        sub, shelf = self.sub[s], self.shelf[s]
        is_agency = shelf >= 0
        number = s * 8 + g % 8
        base8 = np.concatenate(
            [
                vec.chars("0", m),
                vec.encode(vec.scramble(self.private_scramble, number), 5),
                vec.encode(g % 36, 1),
                vec.chars("1", m),
            ],
            axis=1,
        )
        for index, (_, _, prefix) in enumerate(SHELVES):
            rows = shelf == index
            base8[rows, :4] = np.frombuffer(prefix.encode(), dtype=np.uint8)
            base8[rows, 4:] = vec.encode(vec.scramble(self.agency_scramble, number[rows]), 4)
        year = vec.years(lives.added)
        rate = base_rate(year) + 0.9 + 1.5 * vec.frac(h2, 0, 8) - 0.5
        eighths = np.where((sub == CMO) & (vec.bits(h2, 8, 3) == 0), 0, coupon_eighths(rate))
        tranched = (sub == CMO) | (sub == CMBS) | (sub == ABS)
        tranche_changed = (version >= 1) & (lives.k1 == TRANCHE)
        symbol_version = ((version >= 1) & ((lives.k1 == SYMBOL) | ~tranched)).astype(I64)
        tranche = np.where(tranched, (vec.bits(h2, 12, 8) + tranche_changed) % len(TRANCHES), -1)
        digits = vec.scramble(self.symbol_scramble, (number * 2 + symbol_version) % 10**7)
        series = [f"{y}-{k}" for y, k in zip(year.tolist(), (1 + vec.bits(h2, 20, 8) % 180).tolist())]
        shelf_name = vec.objects([name for name, _, _ in SHELVES])[np.maximum(shelf, 0)]
        shelf_root = vec.objects([root for _, root, _ in SHELVES])[np.maximum(shelf, 0)]
        root = np.where(is_agency, shelf_root, self.private_root[s])
        pool_code = vec.strings(
            np.concatenate([vec.encode(digits % 36**2, 2), vec.digits(digits, 4)], axis=1)
        )
        deal = (sub == CMO) | (sub == CMBS) | (sub == ABS) | (sub == SBA)
        bsym = root + " " + np.where(deal, vec.objects(series), vec.objects(pool_code))
        bsym = bsym + np.where(symbol_version > 0, "B", "")
        issuer = np.where(
            is_agency & (sub == CMO),
            shelf_name + " REMIC TRUST " + vec.objects(series),
            np.where(is_agency, shelf_name, self.private_name[s]),
        )
        return [
            finra_ids(self.id_scramble, s, g),
            vec.strings(vec.with_cusip_check(base8)),
            vec.concat(root, symbol_digits(self.symbol_scramble, digits)),
            bsym,
            issuer,
            SP_SUBPRODUCTS[sub],
            COUPONS[eighths],
            np.where(vec.bits(h2, 30, 4) == 0, "V", "F"),
            np.where(sub == TBA, TBA_SETTLEMENT[vec.bits(h2, 34, 2)], ""),
            self.day(lives.start + self.period[s]),
            np.where(tranche >= 0, TRANCHES[np.maximum(tranche, 0)], np.where(sub == MBS, "PT", "")),
            [""] * m,  # Reserved 3 (formerly MDYS_RTNG)
            [""] * m,  # ASSUMPTION: the reference says the grade field is blank-filled
            np.where(((sub == CMBS) | (sub == ABS) | (sub == CMO)) & (vec.bits(h2, 40, 3) == 0), "Y", "N"),
            self.day(lives.added),
        ]


# (type, tenor in weeks, CUSIP issuer prefix, share of slots)
TREASURY_TYPES = (
    ("BILL", 4, "912797", 6),
    ("BILL", 8, "912797", 6),
    ("BILL", 13, "912797", 10),
    ("BILL", 17, "912797", 6),
    ("BILL", 26, "912797", 10),
    ("BILL", 52, "912797", 6),
    ("NOTE", 104, "91282C", 10),
    ("NOTE", 156, "91282C", 8),
    ("NOTE", 261, "91282C", 10),
    ("NOTE", 365, "91282C", 7),
    ("NOTE", 522, "91282C", 9),
    ("BOND", 1043, "912810", 5),
    ("BOND", 1565, "912810", 10),
    ("TIPS", 261, "91282C", 3),
    ("TIPS", 522, "91282C", 3),
    ("FRN", 104, "91282C", 2),
)
TREASURY_MIX = vec.Table([(index, kind[3]) for index, kind in enumerate(TREASURY_TYPES)])


class Treasuries(Family):
    """TRACE for Treasury securities: auctions and maturities only (no symbol or name changes)."""

    name = "treasury"
    fields = FIELDS["treasury"]
    occupancy = 1.0

    def setup(self, n: int, seed: int, pools: NamePools) -> None:
        self.code_scramble = Scrambler(36**3, random.Random(seed))
        static = vec.hashed(np.arange(n, dtype=I64), seed)
        self.kind = TREASURY_MIX.codes(vec.bits(static, 0, 10))
        weeks = np.array([kind[1] for kind in TREASURY_TYPES], dtype=I64)
        self.weeks = weeks[self.kind]
        self.prefix = np.array([[ord(c) for c in kind[2][:5]] for kind in TREASURY_TYPES], dtype=np.uint8)
        self.prefix6 = np.array([int(kind[2][5], 36) for kind in TREASURY_TYPES], dtype=I64)
        self.slots_from(n, seed, np.maximum(20, self.weeks * 5))

    def lifecycle(self, lives: Lives) -> None:
        lives.added = lives.start
        lives.deleted = lives.start + self.period[lives.slot]
        lives.c1 = lives.c2 = np.full(len(lives.h), vec.NONE)
        lives.k1 = lives.k2 = np.zeros(len(lives.h), dtype=I64)

    def matured(self, lives: Lives) -> np.ndarray:
        return np.ones(len(lives), dtype=bool)

    def columns(self, lives: Lives, version: np.ndarray) -> list[Any]:
        s, g = lives.slot, lives.g
        kind = self.kind[s]
        number = vec.scramble(self.code_scramble, s * 4 + g % 4)
        base8 = np.concatenate(
            [
                self.prefix[kind],
                vec.encode((self.prefix6[kind] + number // 36**2) % 36, 1),
                vec.encode(number % 36**2, 2),
            ],
            axis=1,
        )
        names = np.array([k[0] for k in TREASURY_TYPES], dtype=object)[kind]
        rate = base_rate(vec.years(lives.added))
        eighths = np.select(
            [names == "BILL", names == "TIPS", names == "FRN"],
            [0, coupon_eighths(np.maximum(0.125, rate - 2.0)), 1],
            coupon_eighths(np.maximum(0.125, rate + term_adjustment(self.weeks[s] / 52))),
        )
        coupons = COUPONS[eighths]
        maturity = self.day(lives.deleted)
        descriptions = [
            f"UST {kind_name} {coupon.rstrip('0').rstrip('.') or '0'}% {day[4:6]}/{day[6:]}/{day[:4]}"
            for kind_name, coupon, day in zip(names.tolist(), coupons.tolist(), maturity.tolist())
        ]
        issued = self.day(lives.added)
        return [
            vec.strings(vec.with_cusip_check(base8)),
            descriptions,
            ["UST"] * len(s),
            names,
            coupons,
            issued,
            maturity,
            [""] * len(s),
            issued,
        ]

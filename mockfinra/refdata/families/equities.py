"""Equity universes: OTC equities (ORF) and NMS stocks (ADF, TRF). One company per generation."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from mockfinra.refdata import vec
from mockfinra.refdata.families.bonds import issuer_codes, pick_numbers
from mockfinra.refdata.families.fields import FIELDS
from mockfinra.refdata.families.rates import WEEKDAYS_PER_YEAR
from mockfinra.refdata.mixing import Scrambler
from mockfinra.refdata.pools import NamePools
from mockfinra.refdata.universe import Family, Lives

I64 = np.int64
SYMBOL, NAME, STATUS = range(3)

# ASSUMPTION: SCTRY_TYPE_CD values other than PRFS (the reference's Appendix C is not readable)
# (type, share, 5th-letter symbol suffix, CUSIP issue number, description suffix)
OTC_TYPES = (
    ("CMNS", 74, "", "10", " COM"),
    ("ORDS", 6, "F", "10", " ORD SHS"),
    ("ADRS", 8, "Y", "20", " SPONSORED ADR"),
    ("PRFS", 6, "", "30", " PFD SER A"),
    ("WARR", 3, "", "11", " WTS"),
    ("UNIT", 2, "", "20", " UNITS"),
    ("RGHT", 1, "", "12", " RTS"),
)
OTC_MIX = vec.Table([(index, kind[1]) for index, kind in enumerate(OTC_TYPES)])
OTC_TENORS = vec.Table(((1, 10), (2, 15), (3, 15), (5, 20), (8, 15), (12, 15), (20, 10)))
OFFERING_TYPES = vec.Table((("PUB", 85), ("ACRI", 5), ("REGS", 5), ("144A", 5)))  # ACRI: accredited investors
FINANCIAL_STATUS = vec.Table((("N", 90), ("D", 5), ("E", 5)))
STATUS_CHANGES = vec.Table((("D", 35), ("E", 25), ("Q", 20), ("N", 10), ("L", 10)))  # L: liquidation
CORPORATE_ACTION = vec.Table((("", 97), ("CA", 2), ("CD", 1)))
ADR_RATIOS = vec.objects(("1:1", "1:2", "1:4", "1:5", "1:10", "2:1", "1:20", "1:3"))
OTC_CHANGES = vec.Table(((SYMBOL, 35), (NAME, 35), (STATUS, 30)))


class OtcEquities(Family):
    """ORF OTC equity securities (EQUITYMASTERAC; retired ones feed EQUITYMASTERIN)."""

    name = "otc_equity"
    fields = FIELDS["otc_equity"]
    change_kinds = {"SYM_CD": "symbol", "SCRTY_DS": "name", "FNNCL_STTS_CD": "status"}
    occupancy = 0.97

    def setup(self, n: int, seed: int, pools: NamePools) -> None:
        rng = random.Random(seed)
        self.companies = vec.objects(pools.companies)
        self.issuer_scramble = Scrambler(10 * 36**5, rng)
        self.symbol_scramble = Scrambler(26**4, rng)
        self.id_scramble = Scrambler(9 * 10**8, rng)
        static = vec.hashed(np.arange(n, dtype=I64), seed)
        self.kind = OTC_MIX.codes(vec.bits(static, 0, 10))
        years = pick_numbers(OTC_TENORS, vec.bits(static, 10, 10))
        self.slots_from(n, seed, years * WEEKDAYS_PER_YEAR + vec.bits(static, 20, 6) % 61 - 30)

    def lifecycle(self, lives: Lives) -> None:
        h, start = lives.h, lives.start
        period = self.period[lives.slot]
        added = start + np.minimum(vec.bits(h, 0, 5), period // 8)
        deleted = start + period
        span = deleted - added
        roll = vec.bits(h, 5, 10)
        h2 = vec.mix(h)
        lives.added, lives.deleted = added, deleted
        lives.c1 = np.where(roll < 300, added + 1 + ((span - 1) * vec.frac(h2, 0)).astype(I64), vec.NONE)
        lives.c2 = np.where(roll < 60, added + 1 + ((span - 1) * vec.frac(h2, 26)).astype(I64), vec.NONE)
        lives.k1 = OTC_CHANGES.pick(vec.bits(h2, 16, 10)).astype(I64)
        lives.k2 = OTC_CHANGES.pick(vec.bits(h2, 42, 10)).astype(I64)

    def columns(self, lives: Lives, version: np.ndarray) -> list[Any]:
        s, g = lives.slot, lives.g
        m = len(s)
        h2 = vec.mix(lives.h ^ np.uint64(0x632BE59BD9B4E019))
        kind = self.kind[s]
        first, second = version >= 1, version >= 2
        symbol_version = (first & (lives.k1 == SYMBOL)).astype(I64) + (second & (lives.k2 == SYMBOL))
        name_changes = (first & (lives.k1 == NAME)).astype(I64) + (second & (lives.k2 == NAME))
        status = FINANCIAL_STATUS.pick(vec.bits(h2, 24, 10))
        status = np.where(first & (lives.k1 == STATUS), STATUS_CHANGES.pick(vec.bits(h2, 34, 10)), status)
        status = np.where(second & (lives.k2 == STATUS), STATUS_CHANGES.pick(vec.bits(h2, 44, 10)), status)
        name = self.companies[(vec.bits(h2, 8, 16) + 7919 * name_changes) % len(self.companies)]
        symbol = vec.letters(vec.scramble(self.symbol_scramble, s * 6 + (g % 2) * 3 + symbol_version), 4)
        suffix = vec.objects([t[2] for t in OTC_TYPES])[kind]
        issue = np.array([[ord(c) for c in t[3]] for t in OTC_TYPES], dtype=np.uint8)[kind]
        base8 = np.concatenate([issuer_codes(s * 8 + g % 8, self.issuer_scramble), issue], axis=1)
        type_names = vec.objects([t[0] for t in OTC_TYPES])[kind]
        class_text = np.where(
            (type_names == "CMNS") & (vec.bits(h2, 54, 4) == 0),
            "CLASS A",
            np.where(type_names == "PRFS", "SERIES A", ""),
        )
        ids = 1_000_000_000 + vec.scramble(self.id_scramble, (s * 64 + g % 64) % (9 * 10**8))
        return [
            vec.strings(vec.digits(ids, 10)),
            vec.concat(vec.strings(symbol), suffix),
            np.where(type_names == "PRFS", "PRA", ""),
            name + vec.objects([t[4] for t in OTC_TYPES])[kind],
            vec.strings(vec.with_cusip_check(base8)),
            ["A"] * m,
            class_text,
            type_names,
            OFFERING_TYPES.pick(vec.bits(h2, 58, 6) | (vec.bits(h2, 0, 4) << 6)),
            status,
            CORPORATE_ACTION.pick(vec.bits(h2, 4, 10)),
            np.where(type_names == "ADRS", ADR_RATIOS[vec.bits(h2, 20, 3)], ""),
            self.day(lives.added) + " 00:00:00",
            [""] * m,
        ]

    def retire(self, columns: list[Any], lives: Lives) -> list[Any]:
        columns = list(columns)
        columns[5] = ["I"] * len(lives)
        columns[13] = self.day(lives.deleted)
        return columns

    def classify(self, old: tuple[str, ...], new: tuple[str, ...]) -> str:
        kind = super().classify(old, new)
        return "liquidation" if kind == "status" and new[9] == "L" else kind


# ASSUMPTION: the exchanges' test symbols, always listed (NTF users test with them)
TEST_SECURITIES = (
    ("ZVZZT", "NASDAQ TEST STOCK", "Q"),
    ("ZWZZT", "NASDAQ TEST STOCK", "Q"),
    ("ZXZZT", "NASDAQ TEST STOCK", "Q"),
    ("CBO", "NYSE TEST STOCK", "N"),
    ("CBX", "NYSE TEST STOCK", "N"),
)
MARKETS = vec.objects(("N", "Q", "P", "A", "Z"))  # NYSE, Nasdaq, Arca, American, Cboe BZX
MARKET_MIX = vec.Table(((0, 30), (1, 55), (2, 10), (3, 3), (4, 2)))
TAPES = vec.objects(("A", "C", "B", "B", "B"))
NMS_TENORS = vec.Table(((3, 15), (6, 20), (10, 25), (20, 25), (40, 15)))
PERMANENT = 10**6  # weekdays: ~3,800 years


class NmsEquities(Family):
    """NMS stocks reported to the ADF and the TRFs (listed on NYSE, Nasdaq, Arca, American, Cboe)."""

    name = "nms_equity"
    fields = FIELDS["nms_equity"]
    change_kinds = {"SYM_CD": "symbol", "SCRTY_DS": "name"}
    occupancy = 0.98

    def setup(self, n: int, seed: int, pools: NamePools) -> None:
        rng = random.Random(seed)
        self.companies = vec.objects(pools.companies)
        self.issuer_scramble = Scrambler(10 * 36**5, rng)
        self.short_scramble = Scrambler(26**3, rng)
        self.long_scramble = Scrambler(26**4, rng)
        static = vec.hashed(np.arange(n, dtype=I64), seed)
        market = MARKET_MIX.codes(vec.bits(static, 0, 10))
        tests = min(n, len(TEST_SECURITIES))
        market[:tests] = [1 if t[2] == "Q" else 0 for t in TEST_SECURITIES[:tests]]
        self.market = market
        self.tests = tests
        short = (market == 0) | (market == 3)
        short &= (np.cumsum(short) - 1) * 4 < 26**3  # NYSE/American take 4 letters once 3 are used up
        self.short = short
        self.group_index = np.where(short, np.cumsum(short) - 1, np.cumsum(~short) - 1)
        years = pick_numbers(NMS_TENORS, vec.bits(static, 10, 10))
        periods = years * WEEKDAYS_PER_YEAR + vec.bits(static, 20, 6) % 61 - 30
        periods[:tests] = PERMANENT
        self.slots_from(n, seed, periods)
        self.offset[:tests] = 0

    def lifecycle(self, lives: Lives) -> None:
        h, start = lives.h, lives.start
        period = self.period[lives.slot]
        test = lives.slot < self.tests
        added = np.where(test, start - PERMANENT, start + np.minimum(vec.bits(h, 0, 4), period // 8))
        deleted = np.where(test, start + 2 * PERMANENT, start + period)
        lives.added, lives.deleted = added, deleted
        changes = (vec.bits(h, 4, 10) < 600) & ~test
        lives.c1 = np.where(
            changes, added + 1 + ((deleted - added - 1) * vec.frac(h, 14)).astype(I64), vec.NONE
        )
        lives.c2 = np.full(len(h), vec.NONE)
        lives.k1 = np.where(vec.bits(h, 30, 1) == 0, SYMBOL, NAME)
        lives.k2 = np.full(len(h), SYMBOL)

    def columns(self, lives: Lives, version: np.ndarray) -> list[Any]:
        s, g = lives.slot, lives.g
        m = len(s)
        h2 = vec.mix(lives.h ^ np.uint64(0x7F4A7C159E3779B9))
        market = self.market[s]
        changed = version >= 1
        symbol_version = (changed & (lives.k1 == SYMBOL)).astype(I64)
        renamed = changed & (lives.k1 == NAME)
        name = np.where(
            renamed,
            self.companies[vec.bits(h2, 30, 16) % len(self.companies)],
            self.companies[vec.bits(h2, 8, 16) % len(self.companies)],
        )
        number = self.group_index[s] * 4 + (g % 2) * 2 + symbol_version
        short = self.short[s]
        symbol = np.where(
            short,
            vec.objects(vec.strings(vec.letters(vec.scramble(self.short_scramble, number), 3))),
            vec.objects(vec.strings(vec.letters(vec.scramble(self.long_scramble, number), 4))),
        )
        etf = (market == 2) | (market == 4)
        description = name + np.where(etf, " ETF", " COM")
        test = s < self.tests
        base8 = np.concatenate(
            [issuer_codes(s * 8 + g % 8, self.issuer_scramble), vec.chars("10", m)], axis=1
        )
        effective = self.day(np.where(test, 0, lives.added))  # weekday 0 is 2000-01-03
        for slot, (test_symbol, _, _) in enumerate(TEST_SECURITIES[: self.tests]):
            # a generated symbol equal to a test symbol takes the (unused) one of the test slot instead
            clash = (symbol == test_symbol) & ~test
            if clash.any():
                spare = self.short_scramble if len(test_symbol) == 3 else self.long_scramble
                number = np.array([self.group_index[slot] * 4], dtype=I64)
                symbol[clash] = vec.strings(vec.letters(vec.scramble(spare, number), len(test_symbol)))[0]
        if test.any():
            index = np.flatnonzero(test)
            symbol[index] = [TEST_SECURITIES[i][0] for i in s[index].tolist()]
            description[index] = [TEST_SECURITIES[i][1] for i in s[index].tolist()]
        return [
            symbol,
            description,
            vec.strings(vec.with_cusip_check(base8)),
            MARKETS[market],
            TAPES[market],
            ["100"] * m,
            np.where(test, "Y", "N"),
            ["A"] * m,
            effective,
        ]

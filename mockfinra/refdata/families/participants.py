"""Participant lists: broker-dealers with an MPID, a CRD number and a firm name."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from mockfinra.refdata import vec
from mockfinra.refdata.families.bonds import pick_numbers
from mockfinra.refdata.families.fields import FIELDS
from mockfinra.refdata.families.rates import WEEKDAYS_PER_YEAR
from mockfinra.refdata.mixing import Scrambler
from mockfinra.refdata.pools import NamePools
from mockfinra.refdata.universe import Family, Lives

I64 = np.int64
PARTICIPANT_TENORS = vec.Table(((3, 15), (6, 20), (10, 25), (20, 25), (40, 15)))
PARTICIPANT_TYPES = vec.Table((("BD", 88), ("ATS", 7), ("CLR", 5)))  # ASSUMPTION: type codes
NAME_CHANGE = 1


class Participants(Family):
    """Firms entitled to a facility; MPIDs are four letters, unique within a list."""

    name = "participants"
    fields = FIELDS["participants"]
    change_kinds = {"PRTCPNT_NM": "name"}
    occupancy = 0.97

    def setup(self, n: int, seed: int, pools: NamePools) -> None:
        rng = random.Random(seed)
        self.firms = vec.objects(pools.firms)
        self.mpid_scramble = Scrambler(26**4, rng)
        self.crd_scramble = Scrambler(320_000, rng)
        static = vec.hashed(np.arange(n, dtype=I64), seed)
        years = pick_numbers(PARTICIPANT_TENORS, vec.bits(static, 0, 10))
        self.slots_from(n, seed, years * WEEKDAYS_PER_YEAR + vec.bits(static, 10, 7) % 121 - 60)

    def lifecycle(self, lives: Lives) -> None:
        h, start = lives.h, lives.start
        period = self.period[lives.slot]
        added = start + np.minimum(vec.bits(h, 0, 5), period // 8)
        deleted = start + period
        lives.added, lives.deleted = added, deleted
        changes = vec.bits(h, 5, 10) < 500
        lives.c1 = np.where(
            changes, added + 1 + ((deleted - added - 1) * vec.frac(h, 15)).astype(I64), vec.NONE
        )
        lives.c2 = np.full(len(h), vec.NONE)
        lives.k1 = lives.k2 = np.full(len(h), NAME_CHANGE)

    def columns(self, lives: Lives, version: np.ndarray) -> list[Any]:
        s, g = lives.slot, lives.g
        h2 = vec.mix(lives.h ^ np.uint64(0x1B873593CC9E2D51))
        return [
            vec.strings(vec.letters(vec.scramble(self.mpid_scramble, s * 4 + g % 4), 4)),
            self.firms[(vec.bits(h2, 8, 16) + 4099 * version) % len(self.firms)],
            (1000 + vec.scramble(self.crd_scramble, s * 8 + g % 8)).astype(str),
            PARTICIPANT_TYPES.pick(vec.bits(h2, 40, 10)),
            self.day(lives.added),
        ]

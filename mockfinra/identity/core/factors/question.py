"""The security question factor (`question`/OKTA): one of Okta's 20 built-in questions and a hashed answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.orm import Session

from mockfinra.errors import validation_error
from mockfinra.identity.core.factors import register
from mockfinra.identity.core.factors.base import (
    INVALID_PROFILE,
    FactorInput,
    FactorKind,
    FactorOutcome,
)
from mockfinra.identity.core.users import normalise_answer
from mockfinra.security import hash_secret, verify_secret
from mockfinra.store.users import Factor, User

if TYPE_CHECKING:
    from mockfinra.context import Context
    from mockfinra.store.authn import Transaction

#: Okta's built-in questions, in the order Okta returns them (`grandmother_favorite_desert` is Okta's spelling).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("disliked_food", "What is the food you least liked as a child?"),
    ("name_of_first_plush_toy", "What is the name of your first stuffed animal?"),
    ("first_award", "What did you earn your first medal or award for?"),
    ("favorite_security_question", "What is your favorite security question?"),
    ("favorite_toy", "What is the toy/stuffed animal you liked the most as a kid?"),
    ("first_computer_game", "What was the first computer game you played?"),
    ("favorite_movie_quote", "What is your favorite movie quote?"),
    ("first_sports_team_mascot", "What was the mascot of the first sports team you played on?"),
    ("first_music_purchase", "What music album or song did you first purchase?"),
    ("favorite_art_piece", "What is your favorite piece of art?"),
    ("grandmother_favorite_desert", "What was your grandmother's favorite dessert?"),
    ("first_thing_cooked", "What was the first thing you learned to cook?"),
    ("childhood_dream_job", "What was your dream job as a child?"),
    ("first_kiss_location", "Where did you have your first kiss?"),
    ("place_where_significant_other_was_met", "Where did you meet your spouse/significant other?"),
    ("favorite_vacation_location", "Where did you go for your favorite vacation?"),
    ("new_years_two_thousand", "Where were you on New Year's Eve in the year 2000?"),
    ("favorite_speaker_actor", "Who is your favorite speaker/orator?"),
    ("favorite_book_movie_character", "Who is your favorite book/movie character?"),
    ("favorite_sports_player", "Who is your favorite sports player?"),
)
QUESTION_TEXTS = dict(QUESTIONS)
MIN_ANSWER_LENGTH = 4
#: the question key of a question the user wrote (Identity Engine), and its longest text
CUSTOM = "custom"
MAX_CUSTOM_QUESTION = 100
WRONG_ANSWER = "Your answer doesn't match our records. Please try again."


def valid_custom(question: Any, answer: Any) -> bool:
    """A question of the user's own: some text, at most 100 characters, and an answer of 4 or more."""
    return (
        isinstance(question, str)
        and 0 < len(question.strip()) <= MAX_CUSTOM_QUESTION
        and isinstance(answer, str)
        and len(answer.strip()) >= MIN_ANSWER_LENGTH
    )


def valid_question(key: Any, answer: Any) -> bool:
    return (
        isinstance(key, str)
        and key in QUESTION_TEXTS
        and isinstance(answer, str)
        and len(answer.strip()) >= MIN_ANSWER_LENGTH
    )


@register
class QuestionFactor(FactorKind):
    factor_type = "question"
    providers = ("OKTA",)
    id_prefixes: ClassVar[dict[str, str]] = {"OKTA": "ufs"}
    amr = "kba"
    needs_activation = False
    answer_field = "answer"

    def _create(self, ctx: Context, user: User, key: str, answer: str, cost: int, text: str | None = None) -> Factor:
        factor = self.new_factor(ctx, user, "OKTA", "ACTIVE")
        factor.profile = {"question": key, "questionText": text or QUESTION_TEXTS[key]}
        factor.answer_hash = hash_secret(normalise_answer(answer), cost)
        return factor

    def enroll(self, ctx: Context, db: Session, user: User, provider: str, given: FactorInput) -> Factor:
        """One of the 20 questions, or (the Identity Engine's "create my own") `question: "custom"` with the
        user's own `questionText`."""
        profile = given.profile
        key, answer, own = profile.get("question"), profile.get("answer"), profile.get("questionText")
        if key == CUSTOM:
            if not valid_custom(own, answer):
                raise validation_error("factorEnrollRequest", [INVALID_PROFILE])
        elif not valid_question(key, answer):
            raise validation_error("factorEnrollRequest", [INVALID_PROFILE])
        factor = self._create(ctx, user, key, answer, ctx.settings.hash_cost, own.strip() if key == CUSTOM else None)
        db.add(factor)
        return factor

    def check(
        self, ctx: Context, db: Session, txn: Transaction, factor: Factor, given: FactorInput
    ) -> FactorOutcome:
        if verify_secret(normalise_answer(given.answer or ""), factor.answer_hash):
            return FactorOutcome.success()
        return FactorOutcome.failed(WRONG_ANSWER)

    def provision(
        self, ctx: Context, db: Session, user: User, spec: dict[str, Any], hash_cost: int
    ) -> tuple[Factor, dict[str, Any]]:
        key, answer = spec.get("question"), spec.get("answer")
        if not isinstance(key, str) or key not in QUESTION_TEXTS:
            raise validation_error(
                "factors.question",
                [
                    f"factors.question: '{key}' is not one of the built-in questions ({', '.join(QUESTION_TEXTS)})"
                ],
            )
        if not isinstance(answer, str) or len(answer.strip()) < MIN_ANSWER_LENGTH:
            raise validation_error(
                "factors.answer", [f"factors.answer: must be at least {MIN_ANSWER_LENGTH} characters"]
            )
        factor = self._create(ctx, user, key, answer, hash_cost)
        db.add(factor)
        return factor, {}

"""One-call creation of a ready user with factors: `POST /_mock/users` and the seed file share it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.errors import validation_error
from mockfinra.identity.core.users import create_user, issue_activation_token


class FactorSpec(BaseModel):
    """A factor to create already enrolled. Extra keys are factor-type specific."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    factorType: str
    provider: str | None = None


class UserSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    login: str
    password: str | None = None
    email: str | None = None
    firstName: str = ""
    lastName: str = ""
    mobilePhone: str | None = None
    entitlements: list[str] = Field(default_factory=list)
    status: Literal["ACTIVE", "PROVISIONED"] = "ACTIVE"
    recoveryQuestion: str | None = None
    recoveryAnswer: str | None = None
    factors: list[FactorSpec] = Field(default_factory=list)


def parse_user_spec(raw: Any) -> UserSpec:
    """Validate a raw spec; E0000001 naming each bad field."""
    try:
        return UserSpec.model_validate(raw)
    except ValidationError as error:
        causes = []
        fields = []
        for item in error.errors():
            field = ".".join(str(part) for part in item.get("loc", ())) or "body"
            fields.append(field)
            causes.append(f"{field}: {item.get('msg')}")
        raise validation_error(", ".join(dict.fromkeys(fields)), causes) from None


def provision_user(
    ctx: Context, db: Session, spec: UserSpec, hash_cost: int | None = None
) -> dict[str, Any]:
    """Create the user and its factors. Returns the user, each factor's id and secret, and the
    activation token for a PROVISIONED user (the caller turns it into a link)."""
    if spec.status == "ACTIVE" and not spec.password:
        raise validation_error("password", ["password: an ACTIVE user needs a password"])
    user = create_user(
        ctx,
        db,
        login=spec.login,
        email=spec.email,
        first_name=spec.firstName,
        last_name=spec.lastName,
        entitlements=spec.entitlements,
        password=spec.password,
        recovery_question=spec.recoveryQuestion,
        recovery_answer=spec.recoveryAnswer,
        status=spec.status,
        mobile_phone=spec.mobilePhone,
        hash_cost=hash_cost,
    )
    factors = [provision_factor(ctx, db, user, factor, hash_cost) for factor in spec.factors]
    result: dict[str, Any] = {"user": user, "factors": factors, "activationToken": None}
    if spec.status == "PROVISIONED":
        result["activationToken"] = issue_activation_token(ctx, user)
    return result


def provision_factor(
    ctx: Context, db: Session, user: Any, spec: FactorSpec, hash_cost: int | None
) -> dict[str, Any]:
    """Create one ACTIVE factor from a spec through its kind; returns `{id, factorType, provider,
    status, profile, ...secrets}` (a TOTP factor's `sharedSecret` and `otpauthUri`)."""
    from mockfinra.identity.core.factors import FACTOR_TYPES, kind_for

    factor_type = (spec.factorType or "").strip().lower()
    kind = kind_for(factor_type, spec.provider)
    if kind is None:
        if kind_for(factor_type) is not None:
            providers = ", ".join(kind_for(factor_type).providers)  # type: ignore[union-attr]
            raise validation_error(
                "factors.provider", [f"factors.provider: '{spec.provider}' is not one of {providers}"]
            )
        raise validation_error(
            "factors.factorType",
            [f"factors.factorType: '{spec.factorType}' is not one of {', '.join(FACTOR_TYPES)}"],
        )
    raw = spec.model_dump()
    provider = (spec.provider or kind.providers[0]).strip().upper()
    raw["provider"] = provider
    if any(f.factor_type == kind.factor_type and f.provider == provider for f in user.factors):
        raise validation_error(
            "factors", [f"factors: more than one {kind.factor_type}/{provider} factor"]
        )
    cost = hash_cost if hash_cost is not None else ctx.settings.hash_cost
    factor, secrets = kind.provision(ctx, db, user, raw, cost)
    if factor not in user.factors:
        user.factors.append(factor)
    db.flush()
    return {
        "id": factor.id,
        "factorType": factor.factor_type,
        "provider": factor.provider,
        "status": factor.status,
        "profile": dict(factor.profile or {}),
        **secrets,
    }

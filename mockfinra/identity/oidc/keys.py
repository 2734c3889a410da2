"""The RSA key that signs access and ID tokens.

Generated on first use and persisted in the store, so a restart (with a file store) keeps issued tokens
valid; `POST /_mock/reset` wipes the store and so rotates the key. jwt/cryptography are imported here,
inside functions only (cold start is measured).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mockfinra.context import Context
from mockfinra.store.oauth import SigningKey

_CACHE = "oidc.keys"
ALGORITHM = "RS256"


def _b64(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _public_jwk(private_key: Any) -> dict[str, Any]:
    numbers = private_key.public_key().public_numbers()
    jwk = {"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}
    # RFC 7638 thumbprint as the kid: stable for a key, different after a rotation.
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode()
    return {"kty": "RSA", "alg": ALGORITHM, "kid": kid, "use": "sig", "e": jwk["e"], "n": jwk["n"]}


def _generate(ctx: Context, db: Session) -> SigningKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    jwk = _public_jwk(private_key)
    row = SigningKey(kid=jwk["kid"], private_pem=pem, public_jwk=jwk, created_at=ctx.clock.now())
    db.add(row)
    db.flush()
    ctx.resources.setdefault(_CACHE, {})[row.kid] = private_key
    return row


def _private_key(ctx: Context, row: SigningKey) -> Any:
    cache: dict[str, Any] = ctx.resources.setdefault(_CACHE, {})
    key = cache.get(row.kid)
    if key is None:
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
        cache[row.kid] = key
    return key


def current_key(ctx: Context, db: Session) -> tuple[str, Any]:
    """`(kid, private key)` of the active key, generating it on first use."""
    row = db.scalar(select(SigningKey).order_by(SigningKey.created_at.desc()))
    if row is None:
        row = _generate(ctx, db)
    return row.kid, _private_key(ctx, row)


def public_key(ctx: Context, db: Session, kid: str) -> Any | None:
    """The public key for `kid`, or None when no such key exists (any more)."""
    row = db.get(SigningKey, kid)
    if row is None:
        return None
    return _private_key(ctx, row).public_key()


def jwks(ctx: Context, db: Session) -> dict[str, Any]:
    """The JWK Set served at `v1/keys`."""
    current_key(ctx, db)
    rows = db.scalars(select(SigningKey).order_by(SigningKey.created_at.desc()))
    return {"keys": [dict(row.public_jwk) for row in rows]}

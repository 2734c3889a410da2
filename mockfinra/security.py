"""Random identifiers, opaque tokens and slow hashes for secrets (passwords, answers)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string

_ID_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 20) -> str:
    """An Okta-looking id such as `00u1a2b3...` (users) or `ufs...` (question factors)."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length - len(prefix)))


def new_token(prefix: str = "", nbytes: int = 30) -> str:
    """An opaque bearer token (URL-safe)."""
    return prefix + secrets.token_urlsafe(nbytes)


def digest(token: str) -> str:
    """Tokens are stored by their SHA-256 digest, never as issued."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_secret(secret: str, cost: int) -> str:
    """scrypt hash in a self-describing string: `scrypt$<cost>$<salt>$<hash>`."""
    salt = secrets.token_bytes(16)
    derived = hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=2**cost, r=8, p=1, dklen=32)
    return "$".join(
        ["scrypt", str(cost), base64.b64encode(salt).decode(), base64.b64encode(derived).decode()]
    )


def verify_secret(secret: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, cost, salt_b64, hash_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(hash_b64)
        derived = hashlib.scrypt(
            secret.encode("utf-8"), salt=salt, n=2 ** int(cost), r=8, p=1, dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(derived, expected)


def constant_time_equals(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))

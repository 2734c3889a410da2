"""Helpers for the authn, factor and /_mock/users tests: a fresh app per test, users made through
`POST /_mock/users`, and TOTP codes computed independently of the server (RFC 6238 by hand)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import count
from typing import Any

from fastapi.testclient import TestClient

from mockfinra.app import create_app
from mockfinra.clock import parse_instant
from mockfinra.settings import Settings
from tests.conftest import TEST_DATA

BASE = "http://127.0.0.1:8400"
PASSWORD = "Ntf-Demo-2026"
#: a frozen mock time 5 s into a 30-second TOTP step
T0 = "2026-03-02T14:30:05Z"
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
_logins = count(1)


@contextmanager
def app_client(**overrides: Any) -> Iterator[TestClient]:
    """A fresh app (minimal seed, memory store, clock frozen at T0 unless overridden)."""
    values: dict[str, Any] = {
        "seed": TEST_DATA / "seed-minimal.toml",
        "clock_start": T0,
        "clock_frozen": True,
        "seed_invitations": False,  # an empty outbox: the seeded invitation is tested in test_emails.py
    }
    values.update(overrides)
    with TestClient(create_app(Settings.for_tests(**values)), base_url=BASE) as client:
        yield client


def unique_login(prefix: str = "user") -> str:
    return f"{prefix}.{next(_logins)}@example.com"


def make_user(
    client: TestClient, factors: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "login": unique_login(),
        "password": PASSWORD,
        "firstName": "Test",
        "lastName": "User",
    }
    body.update(fields)
    body["factors"] = factors or []
    response = client.post("/_mock/users", json=body)
    assert response.status_code == 201, response.text
    return response.json()


QUESTION = {"factorType": "question", "question": "disliked_food", "answer": "Brussels Sprouts"}


def google(secret: str = SECRET) -> dict[str, Any]:
    return {"factorType": "token:software:totp", "provider": "GOOGLE", "sharedSecret": secret}


def sign_in(client: TestClient, login: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/api/v1/authn", json={"username": login, "password": password, **extra})


def mock_now(client: TestClient) -> datetime:
    return parse_instant(client.get("/_mock/clock").json()["now"])


def advance(client: TestClient, seconds: float) -> None:
    assert client.post("/_mock/clock", json={"advance": seconds}).status_code == 200


def totp(secret: str, moment: datetime, offset_steps: int = 0) -> str:
    """RFC 6238 (SHA1, 6 digits, 30 s), written out here so the server is checked against the RFC."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(moment.timestamp()) // 30 + offset_steps
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def factor_link(transaction: dict[str, Any], factor_type: str, provider: str | None = None) -> dict[str, Any]:
    for factor in transaction["_embedded"]["factors"]:
        if factor["factorType"] == factor_type and (provider is None or factor["provider"] == provider):
            return factor
    raise AssertionError(f"no {factor_type}/{provider} factor in {transaction['_embedded']['factors']}")


def state(client: TestClient) -> dict[str, Any]:
    return client.get("/_mock/state").json()


def user_row(client: TestClient, login: str) -> dict[str, Any]:
    return next(u for u in state(client)["users"] if u["login"] == login)


def stable_state(client: TestClient) -> dict[str, Any]:
    """The store dump without the parts that legitimately change on every read."""
    dump = state(client)
    for key in ("generatedAt", "clock"):
        dump.pop(key, None)
    return dump


def png_pixels(data: bytes) -> list[list[int]]:
    """Decode a grey-scale or palette PNG (as segno writes them) into rows of 0 (dark) / 1 (light)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, palette = 8, b"", None
    width = height = depth = colour = 0
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"PLTE":
            palette = [chunk[i : i + 3] for i in range(0, len(chunk), 3)]
        elif kind == b"IDAT":
            idat += chunk
    assert colour in (0, 3) and depth in (1, 2, 4, 8), (colour, depth)
    raw = zlib.decompress(idat)
    stride = (width * depth + 7) // 8
    rows: list[bytearray] = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - 1] if i else 0
            up, corner = previous[i], previous[i - 1] if i else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(line)
        previous = line
    pixels = []
    for line in rows:
        values = []
        for x in range(width):
            bit = x * depth
            value = (line[bit // 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1)
            if colour == 3 and palette is not None:
                value = sum(palette[value]) // 3
                values.append(1 if value > 127 else 0)
            else:
                values.append(1 if value >= (1 << depth) // 2 else 0)
        pixels.append(values)
    return pixels


def qr_modules(pixels: list[list[int]]) -> list[list[int]]:
    """The QR module grid (1 = dark) read back from rendered pixels: find the quiet zone and the scale."""
    size = len(pixels)
    top = next(y for y in range(size) if 0 in pixels[y])
    left = pixels[top].index(0)
    run = 0
    while pixels[top][left + run] == 0:
        run += 1
    scale = run // 7  # the finder pattern's top edge is 7 modules wide
    modules = (size - 2 * left) // scale
    return [
        [1 - pixels[top + r * scale + scale // 2][left + c * scale + scale // 2] for c in range(modules)]
        for r in range(modules)
    ]

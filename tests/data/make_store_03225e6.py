"""How tests/data/store-03225e6.sqlite was made: the store package of the first release (commit 03225e6),
taken from git, creates its tables in a fresh SQLite file and writes one user with a question factor and a
refresh token. Run from the repository root: `python tests/data/make_store_03225e6.py` (needs git history)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

COMMIT = "03225e6"
OUT = Path(__file__).parent / "store-03225e6.sqlite"


def old_store_package(into: Path) -> None:
    package = into / "oldstore"
    package.mkdir()
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{COMMIT}:mockfinra/store/"], check=True, capture_output=True, text=True
    ).stdout.split()
    for name in names:
        source = subprocess.run(
            ["git", "show", f"{COMMIT}:mockfinra/store/{name}"], check=True, capture_output=True, text=True
        ).stdout
        source = source.replace("mockfinra.store.", "oldstore.").replace("import mockfinra.store as", "import oldstore as")
        (package / name).write_text(source.replace("from mockfinra.store.base", "from oldstore.base"))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        old_store_package(Path(scratch))
        sys.path.insert(0, scratch)
        from oldstore.base import Store  # type: ignore[import-not-found]
        from oldstore.oauth import RefreshToken  # type: ignore[import-not-found]
        from oldstore.users import Factor, User  # type: ignore[import-not-found]

        OUT.unlink(missing_ok=True)
        store = Store(f"sqlite:///{OUT}")
        store.create_all()
        now = datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)
        with store.transaction() as db:
            db.add(User(
                id="00uoldschema0000001", login="old.user@example.com", login_key="old.user@example.com",
                email="old.user@example.com", first_name="Old", last_name="Schema", status="ACTIVE",
                entitlements=["TRACE"], profile_extra={"locale": "en_US"},
                password_hash="scrypt$not-a-real-hash", failed_password_attempts=0, failed_factor_attempts=0,
                created_at=now, last_updated_at=now,
            ))
            db.flush()
            db.add(Factor(
                id="ufsoldschema0000001", user_id="00uoldschema0000001", factor_type="question", provider="OKTA",
                status="ACTIVE", profile={"question": "disliked_food", "questionText": "What is the food you least liked as a child?"},
                answer_hash="scrypt$not-a-real-hash", data={}, created_at=now, last_updated_at=now,
            ))
            db.add(RefreshToken(
                id="rtoldschema00000001", digest="d" * 64, client_id="traqs-api", user_id="00uoldschema0000001",
                scopes=["openid", "offline_access", "traqs.refdata"], source="direct", label="old token",
                amr=["pwd", "kba", "mfa"], auth_time=now, created_at=now, expires_at=now + timedelta(days=90),
            ))
        store.dispose()


if __name__ == "__main__":
    main()

"""Alembic migrations of the store's schema (revisions in versions/, one per schema change).

`HEAD` names the newest revision: a new, empty database gets the tables from the models at once and is
stamped with it (fast, and tests/test_migrations.py checks that the models and the head agree); an older
database is upgraded revision by revision (`mockfinra db upgrade`, or at start unless
`MOCKFINRA_DB_UPGRADE_ON_START=false`).
"""

from pathlib import Path

#: the newest revision; a test keeps it equal to the head of versions/
HEAD = "0004_totp_step_bigint"
#: the schema of the first release (commit 03225e6): an unversioned database with tables is that or newer
FIRST_RELEASE = "0001_first_release"
SCRIPT_LOCATION = str(Path(__file__).parent)

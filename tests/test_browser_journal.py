"""The live request journal page (`/_mock/requests/page`) and the maintenance page in a real browser:
entries appear without a reload, faults show, a row opens its details, filters apply; every screen passes
`check_screen` (visible text and axe-core), and nothing leaves the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from browser_support import check_screen, wait_for_js, watch

from mockfinra.settings import Settings
from mockfinra.testing import MockfinraServer

pytestmark = pytest.mark.browser


@pytest.fixture
def server() -> Iterator[MockfinraServer]:
    with MockfinraServer(Settings.for_tests(refdata_scale=0.02)) as running:
        yield running


def test_the_journal_page_lists_requests_live(server: MockfinraServer, page: Any) -> None:
    watch(page, server.url)
    httpx.post(f"{server.url}/api/v1/authn", json={"username": "trace.analyst@example.com", "password": "wrong"}, timeout=60)
    page.goto(f"{server.url}/_mock/requests/page")
    rows = page.locator("#entry-rows tr")
    rows.first.wait_for()
    assert rows.count() == 1 and "/api/v1/authn" in rows.first.inner_text() and "401" in rows.first.inner_text()
    check_screen(page, "journal-one-request")

    fault = httpx.post(f"{server.url}/_mock/faults", json={"site": "traqs", "status": 503}, timeout=60).json()
    httpx.get(f"{server.url}/traqs/", timeout=60)  # recorded while the page waits: it appears without a reload
    wait_for_js(page, "document.querySelectorAll('#entry-rows tr').length === 2")
    newest = rows.first.inner_text()
    assert "/traqs/" in newest and "503" in newest and fault["id"] in newest
    rows.first.click()
    detail = page.locator("#detail-body").inner_text()
    assert fault["id"] in detail and "body not kept: page" in detail and "x-mock-fault" in detail
    check_screen(page, "journal-with-fault")

    page.fill("#filter-status", "5xx")
    page.click("text=Filter")
    wait_for_js(page, "document.querySelectorAll('#entry-rows tr').length === 1")
    assert "503" in rows.first.inner_text()
    check_screen(page, "journal-filtered")


def test_the_maintenance_page_is_fit_for_a_person(server: MockfinraServer, page: Any) -> None:
    watch(page, server.url)
    httpx.post(f"{server.url}/_mock/faults", json={"preset": "ntf-maintenance"}, timeout=60)
    response = page.goto(f"{server.url}/traqs/")
    assert response is not None and response.status == 503
    text = check_screen(page, "maintenance")
    assert "Scheduled maintenance" in text and "NASDAQ Testing Facility" in text

"""Paths of the MFA service's hosted pages and hand-offs, shared by every wire format and the pages."""

from __future__ import annotations

SIGNIN_PATH = "/login/login.htm"
HOME_PATH = "/app/UserHome"
SESSION_COOKIE_REDIRECT = "/login/sessionCookieRedirect"
WELCOME_PATH = "/welcome/{token}"

"""The `mockfinra users`, `mockfinra tenants` and `mockfinra totp` commands: thin clients of a running server's
control plane."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Optional

import typer

users_app = typer.Typer(help="Users of a running mockfinra (through its /_mock control plane).", no_args_is_help=True)
tenants_app = typer.Typer(
    help="Tenants of a running mockfinra: isolated worlds at /t/{name}/ (docs/tenants.md).", no_args_is_help=True
)

URL_OPTION = typer.Option(None, "--url", help="Server base URL [default: from MOCKFINRA_HOST/MOCKFINRA_PORT].")
TOKEN_OPTION = typer.Option(None, "--token", help="Admin token [env MOCKFINRA_ADMIN_TOKEN].")


class ControlPlaneError(Exception):
    """The server could not be reached or refused the call; the message says which."""


def base_url(url: str | None) -> str:
    if url:
        return url.rstrip("/")
    from mockfinra.server_address import server_url, settings_from

    return server_url(settings_from())


def call(url: str | None, token: str | None, method: str, path: str, body: Any = None) -> Any:
    """One JSON call to the control plane; ControlPlaneError with the server's message on failure."""
    from mockfinra.server_address import settings_from

    token = token or settings_from().admin_token
    request = urllib.request.Request(base_url(url) + path, method=method)
    request.add_header("Accept", "application/json")
    if token:
        request.add_header("X-Mock-Token", token)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data=data, timeout=10) as response:  # noqa: S310 - the user's server
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            message = json.loads(error.read()).get("message") or error.reason
        except (ValueError, AttributeError):
            message = error.reason
        raise ControlPlaneError(f"{error.code}: {message}") from None
    except (urllib.error.URLError, OSError) as error:
        raise ControlPlaneError(f"cannot reach {base_url(url)}: {getattr(error, 'reason', error)}") from None


def _run(url: str | None, token: str | None, method: str, path: str, body: Any = None) -> Any:
    try:
        return call(url, token, method, path, body)
    except ControlPlaneError as error:
        typer.echo(f"mockfinra: {error}", err=True)
        raise typer.Exit(1) from None


@users_app.command("list")
def list_users(url: Optional[str] = URL_OPTION, token: Optional[str] = TOKEN_OPTION) -> None:
    """Every user with status, entitlements and factors."""
    from rich.console import Console
    from rich.table import Table

    state = _run(url, token, "GET", "/_mock/state")
    factors: dict[str, list[str]] = {}
    for factor in state.get("factors", []):
        label = factor["factor_type"] + ("" if factor["provider"] == "OKTA" else f"/{factor['provider']}")
        factors.setdefault(factor["user_id"], []).append(f"{label} ({factor['status'].lower()})")
    table = Table(title=f"Users at {base_url(url)}", title_justify="left")
    for column in ("login", "status", "entitlements", "factors"):
        table.add_column(column, overflow="fold")
    for user in sorted(state.get("users", []), key=lambda u: u["login"]):
        table.add_row(
            user["login"], user["status"], ", ".join(user.get("entitlements") or []) or "-",
            ", ".join(factors.get(user["id"], [])) or "-",
        )
    Console().print(table)


@users_app.command("add")
def add_user(
    login: str = typer.Argument(..., help="Login (an email address)."),
    password: Optional[str] = typer.Option(None, help="Password; without one the user is PROVISIONED (invited)."),
    entitlement: list[str] = typer.Option([], "--entitlement", "-e", help="TRACE, ADF, ORF or TRF (repeatable)."),
    question: Optional[str] = typer.Option(None, help="Security question key, e.g. disliked_food (with --answer)."),
    answer: Optional[str] = typer.Option(None, help="Answer to --question."),
    totp: Optional[str] = typer.Option(None, help="Add a TOTP factor: GOOGLE or OKTA."),
    sms: Optional[str] = typer.Option(None, help="Add an SMS factor with this phone number."),
    url: Optional[str] = URL_OPTION,
    token: Optional[str] = TOKEN_OPTION,
) -> None:
    """Create a ready user (POST /_mock/users) and print its factors' secrets and activation link; without
    --password the user is PROVISIONED and the invitation email is sent."""
    factors: list[dict[str, Any]] = []
    if question or answer:
        factors.append({"factorType": "question", "question": question, "answer": answer})
    if totp:
        factors.append({"factorType": "token:software:totp", "provider": totp.upper()})
    if sms:
        factors.append({"factorType": "sms", "phoneNumber": sms})
    spec: dict[str, Any] = {"login": login, "entitlements": entitlement, "factors": factors}
    spec.update({"password": password, "status": "ACTIVE"} if password else {"status": "PROVISIONED"})
    # Without a password the user is invited: the server emails the activation link (see the inbox).
    created = _run(url, token, "POST", "/_mock/users" if password else "/_mock/users?sendEmail=true", spec)
    typer.echo(f"created {created['user']['login']} ({created['user']['status']}) id {created['user']['id']}")
    for factor in created.get("factors", []):
        secret = f" sharedSecret {factor['sharedSecret']}" if factor.get("sharedSecret") else ""
        typer.echo(f"  factor {factor['factorType']}/{factor['provider']} id {factor['id']}{secret}")
    if created.get("activationUrl"):
        typer.echo(f"  activation link: {created['activationUrl']}")
    if created.get("invitationSent"):
        typer.echo(f"  invitation emailed to {created['user']['profile']['email']} (see {base_url(url)}/_mock/inbox)")


def totp_command(
    login: str = typer.Argument(..., help="The user's login."),
    provider: Optional[str] = typer.Option(None, help="GOOGLE or OKTA (default: the user's TOTP factor)."),
    url: Optional[str] = URL_OPTION,
    token: Optional[str] = TOKEN_OPTION,
) -> None:
    """Print the TOTP code the user's authenticator app shows now (at mock time)."""
    query = f"?{urllib.parse.urlencode({'provider': provider})}" if provider else ""
    result = _run(url, token, "GET", f"/_mock/users/{urllib.parse.quote(login, safe='@')}/totp{query}")
    typer.echo(f"{result['code']}  ({result['secondsRemaining']} s left, {result.get('provider', '')})".rstrip())


@tenants_app.command("list")
def list_tenants(url: Optional[str] = URL_OPTION, token: Optional[str] = TOKEN_OPTION) -> None:
    """Every tenant with its creation time and base URL."""
    from rich.console import Console
    from rich.table import Table

    listing = _run(url, token, "GET", "/_mock/tenants")
    tenants = sorted(listing.get("tenants", []), key=lambda t: t["name"])
    table = Table(
        title=f"Tenants at {base_url(url)} ({len(tenants)} of at most {listing.get('maxTenants')})",
        title_justify="left",
    )
    for column in ("name", "created", "url"):
        table.add_column(column, overflow="fold")
    for tenant in tenants:
        table.add_row(tenant["name"], tenant.get("createdAt") or "-", tenant.get("url") or "-")
    Console().print(table)


@tenants_app.command("create")
def create_tenant(
    name: Optional[str] = typer.Argument(None, help="Its name (lower-case letters, digits, '-'); default: random."),
    url: Optional[str] = URL_OPTION,
    token: Optional[str] = TOKEN_OPTION,
) -> None:
    """Create a tenant, freshly seeded (idempotent: an existing one is left as it is), and print its URL."""
    tenant = _run(url, token, "POST", "/_mock/tenants", {"name": name} if name else None)
    state = "created" if tenant.get("created") else "exists already"
    header = ", ".join(f"{key}: {value}" for key, value in (tenant.get("header") or {}).items())
    typer.echo(f"{tenant['name']} ({state}): {tenant['url']}  (or the header {header})")


@tenants_app.command("delete")
def delete_tenant(
    name: str = typer.Argument(..., help="The tenant's name."),
    url: Optional[str] = URL_OPTION,
    token: Optional[str] = TOKEN_OPTION,
) -> None:
    """Delete a tenant as a whole: its users, factors, tokens, outbox and store."""
    _run(url, token, "DELETE", f"/_mock/tenants/{urllib.parse.quote(name, safe='')}")
    typer.echo(f"deleted {name}")

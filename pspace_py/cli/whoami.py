"""``pspace whoami``: whose key is in use, and where it came from (never the key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from pspace_py.cli.auth import API_KEYS_PAGE, email_of, shown_url
from pspace_py.cli.context import app_context
from pspace_py.cli.options import JsonOpt, command_app
from pspace_py.errors import NotLoggedInError
from pspace_py.output.columns import Column

if TYPE_CHECKING:
    from pspace_py.settings import Settings

whoami_app = command_app("Show the team, user and key source.")


def _url_with_source(identity: dict[str, Any]) -> str:
    from pspace_py.output.format import sanitize

    return sanitize(f"{identity['apiUrl']} ({identity['apiUrlSource']})")


@whoami_app.command("whoami")
def whoami(ctx: typer.Context, json_output: JsonOpt = False) -> None:
    """Show the team and user of the API key in use, and where it came from.

    Also shows the profile and API URL. The key itself is never shown.
    """
    from pspace_py.api import errors as api_errors
    from pspace_py.api.auth import AuthApi

    state = app_context(ctx)
    output = state.output(json_mode=json_output)
    settings = state.settings()
    try:
        session = AuthApi(state.client()).session()
    except api_errors.ApiUnreachableError:
        # Without the network: what this machine knows (the team stored at login), then the
        # error and its hint (exit 6).
        output.resource(_identity(settings, None), _COLUMNS)
        raise
    except (api_errors.AuthenticationError, api_errors.PermissionDeniedError) as error:
        detail = f"HTTP {error.status}" if error.status and error.status != 200 else "no session"
        raise NotLoggedInError(
            f"The API key from {settings.key_source} was rejected ({detail}).",
            hint=f"Log in again with 'pspace login', or create a key at {API_KEYS_PAGE}.",
        ) from None
    output.resource(_identity(settings, session), _COLUMNS)


def _identity(settings: Settings, session: dict[str, Any] | None) -> dict[str, Any]:
    """Who the key is, from the API's session; from the profile when there is none."""
    team = session["team"] if session else {"namespace": settings.team}
    return {
        "team": team.get("namespace"),
        "teamId": team.get("id"),
        "user": email_of(session) if session else None,
        "profile": settings.profile,
        "apiUrl": shown_url(settings),
        "apiUrlSource": settings.api_url_source,
        "keySource": settings.key_source,
    }


_COLUMNS = [
    Column("TEAM", "team"),
    Column("TEAM ID", "teamId"),
    Column("USER", "user"),
    Column("PROFILE", "profile"),
    Column("API URL", "", compute=_url_with_source),
    Column("KEY FROM", "keySource"),
]

"""``pspace login``, ``pspace logout`` and ``pspace whoami``.

A key is stored only after ``GET /auth/session`` accepted it, and it is never
shown: not in messages, not in ``whoami``, not in errors (every key the
process handles is registered with :mod:`pspace_py.redact` before any request).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.options import HELP_MARKUP, JsonOpt
from pspace_py.errors import NotLoggedInError, UsageError
from pspace_py.output.format import plural

if TYPE_CHECKING:
    from pspace_py.api.client import JsonObject
    from pspace_py.config import ConfigFile
    from pspace_py.output import Output
    from pspace_py.settings import Settings

API_KEYS_PAGE = "https://console.paperspace.com/settings/apikeys"


def _command_app(help_text: str) -> typer.Typer:
    """A Typer app holding one command: Typer turns it into a plain command."""
    return typer.Typer(
        help=help_text,
        rich_markup_mode=HELP_MARKUP,  # type: ignore[arg-type]
        pretty_exceptions_enable=False,
        add_completion=False,
    )


login_app = _command_app("Store an API key in a profile.")
logout_app = _command_app("Forget stored API keys.")
whoami_app = _command_app("Show the team, user and key source.")


def _shown_url(settings: Settings) -> str:
    from pspace_py.settings import SANDBOX_URL_ALIAS

    return SANDBOX_URL_ALIAS if settings.sandbox else settings.api_url


# -- login -------------------------------------------------------------------


@login_app.command("login")
def login(
    ctx: typer.Context,
    api_key_argument: Annotated[
        str | None,
        typer.Argument(
            metavar="[API_KEY]",
            help="The key, as the official CLI takes it. Prefer --with-key-stdin or the "
            "prompt: arguments end up in shell history.",
            show_default=False,
        ),
    ] = None,
    with_key_stdin: Annotated[
        bool,
        typer.Option("--with-key-stdin", help="Read the key from stdin (for scripts and CI)."),
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    """Check an API key with the API and store it in a profile.

    The key comes from --api-key, from stdin with --with-key-stdin, or from a
    hidden prompt. It is stored only if the API accepts it, with its team and
    (when not the default) the API URL it was checked against. The profile is
    --profile, $PSPACE_PROFILE or the default profile; the first profile stored
    becomes the default. Create keys at https://console.paperspace.com/settings/apikeys
    """
    from pspace_py.config import check_profile_name, store_key
    from pspace_py.redact import register_secret
    from pspace_py.settings import choose_profile

    state = app_context(ctx)
    output = state.output(json_mode=json_output)
    config = state.config()
    profile = check_profile_name(choose_profile(config, state.options.profile))
    settings = state.settings()

    api_key = _key_to_store(state, settings, output, api_key_argument, with_key_stdin)
    register_secret(api_key)
    session = _checked_session(state, api_key)
    team = str(session["team"]["namespace"])
    email = _email(session)
    api_url_to_store = _api_url_to_store(settings)

    def store(editable: ConfigFile) -> str:
        store_key(editable, profile, api_key=api_key, team=team, api_url=api_url_to_store)
        return editable.default_profile

    default_profile = state.edit_config(store)

    who = f" as {email}" if email else ""
    output.success(f'Logged in to team "{team}"{who} (profile "{profile}").')
    _explain_what_is_used(output, profile, default_profile, api_key)
    output.report({"profile": profile, "team": team, "user": email, "apiUrl": _shown_url(settings)})


def _key_to_store(
    state: AppContext,
    settings: Settings,
    output: Output,
    argument: str | None,
    from_stdin: bool,
) -> str:
    """The key to check: argument or --api-key, stdin, the sandbox's, or a prompt."""
    from pspace_py.cli.prompts import can_prompt
    from pspace_py.settings import SANDBOX_DEFAULT_KEY, clean_api_key

    flag = clean_api_key(state.options.api_key, "--api-key")
    given = clean_api_key(argument, "the API_KEY argument")
    if flag and given and flag != given:
        raise UsageError("Two different API keys were given (API_KEY and --api-key).")
    key = flag or given
    if key and from_stdin:
        raise UsageError("Give the key either on stdin (--with-key-stdin) or as an argument.")
    if key:
        return key
    if from_stdin:
        stdin_key = clean_api_key(typer.get_text_stream("stdin").read(), "stdin")
        if not stdin_key:
            raise UsageError("No API key on stdin.", hint="Pipe the key in, e.g. from a file.")
        return stdin_key
    if settings.sandbox:
        # The sandbox always accepts its default key; nobody needs to type it.
        return SANDBOX_DEFAULT_KEY
    if not can_prompt():
        raise UsageError(
            "No API key given, and no terminal to ask for one.",
            hint="Pipe it in with --with-key-stdin (e.g. 'pspace login --with-key-stdin "
            "< key.txt') or pass --api-key.",
        )
    output.info(f"Create an API key at {API_KEYS_PAGE} and paste it here (it is not shown).")
    typed: str = typer.prompt("API key", hide_input=True, err=True, default="", show_default=False)
    typed_key = clean_api_key(typed, "the prompt")
    if not typed_key:
        raise UsageError("No API key entered; nothing was stored.")
    return typed_key


def _checked_session(state: AppContext, api_key: str) -> JsonObject:
    """The key's session; a key the API rejects stops login before anything is stored."""
    from pspace_py.api import errors as api_errors
    from pspace_py.api.auth import AuthApi

    with state.client_for_key(api_key) as client:
        try:
            return AuthApi(client).session()
        except (api_errors.AuthenticationError, api_errors.PermissionDeniedError) as error:
            status = f"HTTP {error.status}" if error.status and error.status != 200 else ""
            detail = status or error.message.rstrip(".")
            raise NotLoggedInError(
                f"The API key was rejected ({detail}); nothing was stored.",
                hint=f"Check it, or create a new key at {API_KEYS_PAGE}.",
            ) from None


def _email(session: JsonObject) -> str | None:
    user = session.get("user")
    email = user.get("email") if isinstance(user, dict) else None
    return email if isinstance(email, str) and email else None


def _api_url_to_store(settings: Settings) -> str | None:
    """The API the key was checked against, so the profile keeps using it (None: default)."""
    from pspace_py.settings import DEFAULT_API_URL, SANDBOX_URL_ALIAS

    if settings.sandbox:
        return SANDBOX_URL_ALIAS
    if settings.api_url == DEFAULT_API_URL:
        return None
    return settings.api_url


def _explain_what_is_used(output: Output, profile: str, default_profile: str, key: str) -> None:
    """Say when the key just stored is not what the next command will use."""
    from pspace_py.settings import env_override

    env_key = env_override("api_key")
    if env_key and env_key[1] != key:
        output.warn(f"{env_key[0]} is set and takes precedence over the stored key.")
    env_profile = env_override("profile")
    if env_profile and env_profile[1] != profile:
        output.info(
            f'{env_profile[0]} selects profile "{env_profile[1]}"; use --profile {profile}.'
        )
    elif not env_profile and default_profile != profile:
        output.info(
            f"Use it with --profile {profile}, or make it the default with "
            f"'pspace config use {profile}'."
        )


# -- logout ------------------------------------------------------------------


@logout_app.command("logout")
def logout(
    ctx: typer.Context,
    all_profiles: Annotated[
        bool, typer.Option("--all", "-a", help="Remove every profile and its key.")
    ] = False,
) -> None:
    """Remove a profile and its API key from the config file.

    The profile is --profile, $PSPACE_PROFILE or the default profile; --all
    removes every profile. The key itself stays valid until you delete it at
    https://console.paperspace.com/settings/apikeys
    """
    from pspace_py.settings import choose_profile

    state = app_context(ctx)
    output = state.output()
    config = state.config()
    if all_profiles and state.options.profile:
        raise UsageError("--all and --profile cannot be used together.")

    if all_profiles:
        removed = _remove_profiles(state, None)
        if not removed:
            output.info("Not logged in: no profiles are stored.")
            _mention_env_key(output)
            return
        names = ", ".join(f'"{name}"' for name in removed)
        output.success(f"Logged out: removed {plural(len(removed), 'profile')} ({names}).")
        if any(_holds_real_key(settings) for settings in removed.values()):
            output.info(f"The keys still work until you delete them at {API_KEYS_PAGE}.")
        _mention_env_key(output)
        return

    name = choose_profile(config, state.options.profile)
    removed = _remove_profiles(state, name)
    if name not in removed:
        output.info(f'Not logged in: there is no profile "{name}".')
        _mention_env_key(output)
        return
    settings = removed[name]
    output.success(f'Logged out: removed profile "{name}" ({_describe_profile(settings)}).')
    if _holds_real_key(settings):
        output.info(f"The key still works until you delete it at {API_KEYS_PAGE}.")
    others = sorted(set(config.profiles) - {name})
    if name == config.default_profile and others:
        output.info(
            f"Other profiles: {', '.join(others)}; 'pspace config use NAME' makes one the default."
        )
    _mention_env_key(output)


def _remove_profiles(state: AppContext, name: str | None) -> dict[str, dict[str, Any]]:
    """Remove profile ``name`` (None: all); returns what was removed."""
    from pspace_py.config import remove_profiles

    current = state.config()
    # Nothing to remove means nothing to write: no config dir appears just for this.
    if not current.profiles or (name is not None and name not in current.profiles):
        return {}
    return state.edit_config(lambda editable: remove_profiles(editable, name))


def _holds_real_key(settings: dict[str, Any]) -> bool:
    """A key for the real API (sandbox keys need no revoking)."""
    from pspace_py.settings import SANDBOX_URL_ALIAS

    return "api_key" in settings and settings.get("api_url") != SANDBOX_URL_ALIAS


def _describe_profile(settings: dict[str, Any]) -> str:
    parts = []
    if "api_key" in settings:
        team = settings.get("team")
        parts.append(f'API key for team "{team}"' if team else "API key")
    parts.extend(key for key in settings if key not in {"api_key", "team"})
    return ", ".join(parts) if parts else "no settings"


def _mention_env_key(output: Output) -> None:
    from pspace_py.settings import env_override

    env_key = env_override("api_key")
    if env_key:
        output.warn(f"{env_key[0]} is still set; commands keep using it until you unset it.")


# -- whoami ------------------------------------------------------------------


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
    from pspace_py.output.columns import Column

    state = app_context(ctx)
    output = state.output(json_mode=json_output)
    settings = state.settings()
    try:
        session = AuthApi(state.client()).session()
    except (api_errors.AuthenticationError, api_errors.PermissionDeniedError) as error:
        detail = f"HTTP {error.status}" if error.status and error.status != 200 else "no session"
        raise NotLoggedInError(
            f"The API key from {settings.key_source} was rejected ({detail}).",
            hint=f"Log in again with 'pspace login', or create a key at {API_KEYS_PAGE}.",
        ) from None
    team = session["team"]
    identity = {
        "team": team.get("namespace"),
        "teamId": team.get("id"),
        "user": _email(session),
        "profile": settings.profile,
        "apiUrl": _shown_url(settings),
        "apiUrlSource": settings.api_url_source,
        "keySource": settings.key_source,
    }
    columns = [
        Column("TEAM", "team"),
        Column("TEAM ID", "teamId"),
        Column("USER", "user"),
        Column("PROFILE", "profile"),
        Column("API URL", "", compute=_url_with_source),
        Column("KEY FROM", "keySource"),
    ]
    output.resource(identity, columns)

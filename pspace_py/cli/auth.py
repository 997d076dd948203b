"""``pspace login``, and what ``logout`` and ``whoami`` (their own modules) share with it.

A key is stored only after ``GET /auth/session`` accepted it, and it is never
shown: not in messages, not in ``whoami``, not in errors (every key the
process handles is registered with :mod:`pspace_py.redact` before any request).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.options import JsonOpt, command_app
from pspace_py.errors import NotLoggedInError, UsageError

if TYPE_CHECKING:
    from pspace_py.api.client import JsonObject
    from pspace_py.config import ConfigFile
    from pspace_py.output import Output
    from pspace_py.settings import Settings

API_KEYS_PAGE = "https://console.paperspace.com/settings/apikeys"


login_app = command_app("Store an API key in a profile.")


def shown_url(settings: Settings) -> str:
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
    hidden prompt. It is stored only if the API accepts it, with its team, and
    with the API URL only when one is given here (--api-url, --sandbox): a
    PAPERSPACE_API_URL stays the environment's. The profile is
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
    email = email_of(session)
    api_url_to_store = _api_url_to_store(settings)

    # A URL the profile does not keep is still the only one its key goes to.
    key_url = settings.api_url if api_url_to_store is None and _from_environment(settings) else None

    def store(editable: ConfigFile) -> str:
        store_key(
            editable, profile, api_key=api_key, team=team, api_url=api_url_to_store, key_url=key_url
        )
        return editable.default_profile

    default_profile = state.edit_config(store)

    who = f" as {email}" if email else ""
    output.success(f'Logged in to team "{team}"{who} (profile "{profile}").')
    _say_the_url_is_not_kept(output, settings, api_url_to_store)
    _explain_what_is_used(output, profile, default_profile, api_key)
    output.report({"profile": profile, "team": team, "user": email, "apiUrl": shown_url(settings)})


def _key_to_store(
    state: AppContext,
    settings: Settings,
    output: Output,
    argument: str | None,
    from_stdin: bool,
) -> str:
    """The key to check: argument or --api-key, stdin, the sandbox's, or a prompt."""
    from pspace_py.cli.prompts import can_prompt, ci_at_a_terminal
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
        why = (
            "nobody is asked while CI is set"
            if ci_at_a_terminal()
            else "no terminal to ask for one"
        )
        raise UsageError(
            f"No API key given, and {why}.",
            hint="Pipe it in with --with-key-stdin (e.g. 'pspace login --with-key-stdin "
            "< key.txt') or pass --api-key.",
        )
    output.info(f"Create an API key at {API_KEYS_PAGE} and paste it here (it is not shown).")
    import getpass

    try:
        # Ctrl-C goes on to the error boundary (130, "Interrupted." on a line of its own).
        typed = getpass.getpass("API key: ", stream=sys.stderr)
    except EOFError:
        typed = ""
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


def email_of(session: JsonObject) -> str | None:
    user = session.get("user")
    email = user.get("email") if isinstance(user, dict) else None
    return email if isinstance(email, str) and email else None


def _api_url_to_store(settings: Settings) -> str | None:
    """The URL the profile remembers (None: the default API).

    One given at login (--api-url, --sandbox), or the one the profile already had; never
    PAPERSPACE_API_URL's: a URL from the environment (an exported sandbox's, say) is this
    shell's, and a profile tied to it would fail everywhere once that sandbox is gone. The
    built-in sandbox (--sandbox, PSPACE_SANDBOX) is no address and never goes away.
    """
    from pspace_py.settings import DEFAULT_API_URL, SANDBOX_URL_ALIAS

    if settings.sandbox:
        return SANDBOX_URL_ALIAS
    given = settings.api_url_source == "--api-url"
    if not given and not settings.api_url_source.startswith("profile"):
        return None
    return None if settings.api_url == DEFAULT_API_URL else settings.api_url


def _from_environment(settings: Settings) -> bool:
    return settings.api_url_source not in ("default", "--api-url", "--sandbox") and not (
        settings.api_url_source.startswith("profile")
    )


def _say_the_url_is_not_kept(output: Output, settings: Settings, stored: str | None) -> None:
    """A key checked against an API the environment chose: say the profile does not keep it."""
    from pspace_py.settings import DEFAULT_API_URL

    if stored is not None or not _from_environment(settings):
        return
    source = settings.api_url_source
    output.info(
        f"The key was checked against {shown_url(settings)} (from {source}) and goes only there; "
        f"the profile does not keep that URL: without {source}, pspace uses {DEFAULT_API_URL}. "
        "To keep it: pspace login --api-url URL."
    )


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

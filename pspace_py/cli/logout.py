"""``pspace logout``: forget stored keys (and say which key the next command will use)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.cli.auth import API_KEYS_PAGE
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.options import command_app
from pspace_py.errors import UsageError
from pspace_py.output.format import plural

if TYPE_CHECKING:
    from pspace_py.output import Output

logout_app = command_app("Forget stored API keys.")


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
            _mention_next_key(state, output)
            return
        names = ", ".join(f'"{name}"' for name in removed)
        output.success(f"Logged out: removed {plural(len(removed), 'profile')} ({names}).")
        if any(_holds_real_key(settings) for settings in removed.values()):
            output.info(f"The keys still work until you delete them at {API_KEYS_PAGE}.")
        _mention_next_key(state, output)
        return

    name = choose_profile(config, state.options.profile)
    removed = _remove_profiles(state, name)
    if name not in removed:
        output.info(f'Not logged in: there is no profile "{name}".')
        _mention_next_key(state, output)
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
    _mention_next_key(state, output)


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


def _mention_next_key(state: AppContext, output: Output) -> None:
    """Say when the next command still has a key: from the environment, or another tool."""
    from pspace_py.config import load_config
    from pspace_py.errors import PspaceError
    from pspace_py.settings import LEGACY_LOGIN, OFFICIAL_LOGIN, env_override, resolve_settings

    env_key = env_override("api_key")
    if env_key:
        output.warn(f"{env_key[0]} is still set; commands keep using it until you unset it.")
        return
    options = state.options
    try:
        after = resolve_settings(
            load_config(), api_url=options.api_url, profile=options.profile, sandbox=options.sandbox
        )
    except PspaceError:  # e.g. another tool's file that cannot be read: the next command says
        return
    if after.key_layer in (OFFICIAL_LOGIN, LEGACY_LOGIN):
        output.info(
            f"Commands now use the key in {after.key_source}, which another Paperspace tool "
            "stored; log out there to stop that."
        )

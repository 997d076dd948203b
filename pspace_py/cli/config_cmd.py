"""``pspace config``: show and change profile settings.

The API key is the one setting this group never prints and never takes: keys
are stored by ``pspace login``, which checks them first and reads them from a
prompt or stdin, so they stay out of shell history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.cli.context import app_context
from pspace_py.cli.options import JsonOpt, NoHeaderOpt, group
from pspace_py.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from pspace_py.config import ConfigFile
    from pspace_py.output import Output

app = group(
    "Show and change profile settings: api_url, team, retries, http_timeout.\n\n"
    "The API key is stored with 'pspace login' and never shown. Commands act on the "
    "profile chosen by --profile, $PSPACE_PROFILE or the default profile."
)

KEY_SET = "(set)"

SettingArg = Annotated[
    str,
    typer.Argument(
        metavar="NAME", help="api_key, api_url, team, retries or http_timeout.", show_default=False
    ),
]


def _shown_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """A profile's known settings as they may be shown: the key reduced to "(set)"."""
    from pspace_py.config import PROFILE_SETTINGS

    shown = {name: settings[name] for name in PROFILE_SETTINGS if name in settings}
    if "api_key" in shown:
        shown["api_key"] = KEY_SET
    return shown


def _chosen_profile(ctx: typer.Context, config: ConfigFile) -> str:
    from pspace_py.settings import choose_profile

    return choose_profile(config, app_context(ctx).options.profile)


@app.command("list")
def list_profiles(
    ctx: typer.Context, json_output: JsonOpt = False, no_header: NoHeaderOpt = False
) -> None:
    """Show every profile and its settings (only --profile's with that option).

    The API key shows as "(set)"; no part of it is ever printed.
    """
    from pspace_py.output.columns import Column

    state = app_context(ctx)
    output = state.output(json_mode=json_output, no_header=no_header)
    config = state.config()
    names = sorted(config.profiles)
    only = state.options.profile
    if only is not None:
        if only not in config.profiles:
            raise _no_such_profile(only, config)
        names = [only]
    rows = [
        {
            "profile": name,
            "default": name == config.default_profile,
            **_shown_settings(config.profiles[name]),
        }
        for name in names
    ]
    columns = [
        Column("PROFILE", "profile"),
        Column("DEFAULT", "default", lambda value: "*" if value else ""),
        Column("TEAM", "team"),
        Column("API KEY", "api_key"),
        Column("API URL", "api_url"),
        Column("RETRIES", "retries"),
        Column("HTTP TIMEOUT", "http_timeout"),
    ]
    output.resources(
        rows,
        columns,
        empty_message="No profiles yet. Run 'pspace login' to store one.",
        key="profile",
    )


@app.command("get")
def get_setting(ctx: typer.Context, name: SettingArg) -> None:
    """Print one setting of the profile, as stored (exit 4 when it is not set)."""
    from pspace_py.config import check_setting_name

    check_setting_name(name)
    if name == "api_key":
        raise UsageError(
            "The API key is never printed.",
            hint="'pspace whoami' shows whose key is in use; 'pspace config list' shows "
            "whether one is stored.",
        )
    state = app_context(ctx)
    output = state.output()
    config = state.config()
    profile = _chosen_profile(ctx, config)
    value = config.profile(profile).get(name)
    if value is None:
        raise NotFoundError(
            f"'{name}' is not set in profile '{profile}'.",
            hint=f"Set it with 'pspace config set {name} VALUE'.",
        )
    output.text(str(value))


@app.command("set")
def set_setting(
    ctx: typer.Context,
    name: SettingArg,
    value: Annotated[str, typer.Argument(metavar="VALUE", show_default=False)],
) -> None:
    """Set one setting of the profile (creating the profile if needed).

    api_url is an https URL, a loopback http URL, or 'sandbox'. retries is 0-10;
    http_timeout is in seconds. The API key cannot be set here: use 'pspace login'.
    """
    from pspace_py.config import check_profile_name, check_setting_name, parse_setting
    from pspace_py.config import set_setting as store_setting

    check_setting_name(name)
    if name == "api_key":
        raise UsageError(
            "'config set api_key' is not supported: a key typed on the command line stays in "
            "shell history.",
            hint="Use 'pspace login' (it checks the key first; --with-key-stdin reads it "
            "from stdin).",
        )
    parsed = parse_setting(name, value)
    if name == "api_url":
        parsed = _checked_api_url(parsed)
    state = app_context(ctx)
    output = state.output()
    config = state.config()
    profile = check_profile_name(_chosen_profile(ctx, config))
    state.edit_config(lambda editable: store_setting(editable, profile, name, parsed))
    output.success(f"Set {name} = {parsed} in profile '{profile}'.")
    _mention_env_override(output, name)


def _checked_api_url(url: str) -> str:
    from pspace_py.settings import SANDBOX_URL_ALIAS, check_api_url

    return url if url == SANDBOX_URL_ALIAS else check_api_url(url)


def _mention_env_override(output: Output, name: str) -> None:
    from pspace_py.settings import PRECEDENCE, env_override

    env = env_override(name) if name in PRECEDENCE else None
    if env:
        output.warn(f"{env[0]} is set and takes precedence over this setting.")


@app.command("unset")
def unset_setting(ctx: typer.Context, name: SettingArg) -> None:
    """Remove one setting from the profile (a profile left empty is removed)."""
    from pspace_py.config import check_setting_name
    from pspace_py.config import unset_setting as remove_setting

    check_setting_name(name)
    state = app_context(ctx)
    output = state.output()
    config = state.config()
    profile = _chosen_profile(ctx, config)
    if name not in config.profile(profile):
        output.info(f"'{name}' was not set in profile '{profile}'; nothing changed.")
        return
    state.edit_config(lambda editable: remove_setting(editable, profile, name))
    what = "the stored API key" if name == "api_key" else f"'{name}'"
    output.success(f"Removed {what} from profile '{profile}'.")


# The official CLI's name for `unset`.
app.command("delete", hidden=True)(unset_setting)


@app.command("use")
def use_profile(
    ctx: typer.Context,
    profile: Annotated[str, typer.Argument(metavar="PROFILE", show_default=False)],
) -> None:
    """Make PROFILE the default profile."""
    from pspace_py.config import use_profile as make_default
    from pspace_py.settings import env_override

    state = app_context(ctx)
    output = state.output()
    config = state.config()
    if profile not in config.profiles:
        raise _no_such_profile(profile, config)

    def change(editable: ConfigFile) -> dict[str, Any]:
        settings = make_default(editable, profile)
        if settings is None:  # removed by another pspace since the file was read
            raise _no_such_profile(profile, editable)
        return settings

    team = state.edit_config(change).get("team")
    on_team = f' (team "{team}")' if team else ""
    output.success(f"Default profile is now '{profile}'{on_team}.")
    env_profile = env_override("profile")
    if env_profile and env_profile[1] != profile:
        output.warn(f"{env_profile[0]} is set to '{env_profile[1]}' and takes precedence.")


def _no_such_profile(profile: str, config: ConfigFile) -> NotFoundError:
    names = ", ".join(sorted(config.profiles))
    known = f"Profiles: {names}. " if names else ""
    return NotFoundError(
        f"There is no profile '{profile}'.",
        hint=f"{known}Create one with 'pspace login --profile {profile}'.",
    )


@app.command("path")
def show_path(ctx: typer.Context) -> None:
    """Print the config file's path (it may not exist yet)."""
    from pspace_py.config import config_path

    app_context(ctx).output().text(str(config_path()))

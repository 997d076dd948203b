"""The config file: round trip, permissions, corrupt files, crashes and concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pspace_py import config_file as config_module
from pspace_py import toml_reader
from pspace_py.config import check_profile_name, parse_setting, stored_setting
from pspace_py.config_file import (
    ConfigFile,
    editing_config,
    load_config,
    write_config_atomically,
)
from pspace_py.errors import ConfigError, UsageError

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

tomllib = toml_reader.tomllib()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def config_file(isolated_env: Path) -> Path:
    return isolated_env / "config.toml"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def leftovers(directory: Path) -> list[str]:
    """Files other than the config and its lock: temp files a crash could leave."""
    return sorted(
        p.name for p in directory.iterdir() if p.name not in {"config.toml", ".config.lock"}
    )


# -- round trip --------------------------------------------------------------


def test_missing_file_is_an_empty_config(config_file: Path) -> None:
    config = load_config(config_file)
    assert config.profiles == {}
    assert config.default_profile == "default"
    assert config.warnings == []
    assert not config_file.exists()


def test_round_trip_keeps_every_setting_and_unknown_keys(config_file: Path) -> None:
    with editing_config(config_file) as config:
        config.default_profile = "work"
        config.profiles["work"] = {
            "api_key": "k-round-trip-123",
            "api_url": "sandbox",
            "team": "t0abc",
            "retries": 5,
            "http_timeout": 12.5,
        }
        config.profiles["home"] = {"team": "t0home"}
        config.extra["future_setting"] = {"kept": True}

    loaded = load_config(config_file)
    assert loaded.default_profile == "work"
    assert loaded.profiles["work"] == {
        "api_key": "k-round-trip-123",
        "api_url": "sandbox",
        "team": "t0abc",
        "retries": 5,
        "http_timeout": 12.5,
    }
    assert loaded.profiles["home"] == {"team": "t0home"}
    assert loaded.extra == {"future_setting": {"kept": True}}
    assert loaded.path == config_file

    # An edit that changes one thing keeps the rest, unknown keys included.
    with editing_config(config_file) as config:
        config.profiles["home"]["retries"] = 1
    again = load_config(config_file)
    assert again.extra == {"future_setting": {"kept": True}}
    assert again.profiles["work"] == loaded.profiles["work"]


def test_an_edit_that_changes_nothing_writes_nothing(config_file: Path) -> None:
    with editing_config(config_file):
        pass
    assert not config_file.exists()

    with editing_config(config_file) as config:
        config.profiles["a"] = {"team": "t"}
    before = config_file.stat().st_mtime_ns, config_file.stat().st_ino
    with editing_config(config_file):
        pass
    assert (config_file.stat().st_mtime_ns, config_file.stat().st_ino) == before


def test_a_failing_edit_writes_nothing(config_file: Path) -> None:
    with editing_config(config_file) as config:
        config.profiles["a"] = {"team": "t"}
    original = config_file.read_bytes()

    def failing_edit() -> None:
        with editing_config(config_file) as config:
            config.profiles["a"]["team"] = "changed"
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_edit()
    assert config_file.read_bytes() == original


@posix_only
def test_a_symlinked_config_file_is_written_through(tmp_path: Path, config_file: Path) -> None:
    real = tmp_path / "dotfiles" / "pspace.toml"
    real.parent.mkdir()
    real.write_text('default_profile = "default"\n')
    real.chmod(0o600)
    config_file.parent.mkdir(parents=True)
    config_file.symlink_to(real)

    with editing_config(config_file) as config:
        config.profiles["a"] = {"team": "t"}

    assert config_file.is_symlink()
    assert load_config(real).profiles == {"a": {"team": "t"}}
    assert mode(real) == 0o600


# -- permissions -------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_writes_are_0600_in_a_0700_dir_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "new" / "dir" / "config.toml"
    old = os.umask(umask)
    try:
        with editing_config(path) as config:
            config.profiles["default"] = {"api_key": "k-perm-test-1"}
        # A second write replaces the file: the new one is private too.
        with editing_config(path) as config:
            config.profiles["default"]["team"] = "t"
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent / ".config.lock") & 0o077 == 0
    assert leftovers(path.parent) == []


@posix_only
@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("existing", [0o755, 0o1777], ids=["0755", "1777"])
def test_an_existing_dir_keeps_its_mode(config_file: Path, existing: int) -> None:
    # PSPACE_CONFIG_DIR=/tmp must not make the system's temp directory 0700 for everyone.
    config_file.parent.mkdir()
    config_file.parent.chmod(existing)
    with editing_config(config_file) as config:
        config.profiles["a"] = {"team": "t"}
    assert mode(config_file.parent) == existing
    assert mode(config_file) == 0o600


@posix_only
@pytest.mark.parametrize("loose", [0o644, 0o640, 0o606, 0o666])
def test_a_loose_file_is_tightened_with_a_warning(config_file: Path, loose: int) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[profiles.default]\napi_key = "k-loose-file-1"\n')
    config_file.chmod(loose)
    content = config_file.read_bytes()

    config = load_config(config_file)

    assert mode(config_file) == 0o600
    assert config_file.read_bytes() == content
    assert len(config.warnings) == 1
    warning = config.warnings[0]
    assert str(config_file) in warning
    assert f"{loose:04o}" in warning
    assert "0600" in warning
    assert "k-loose-file-1" not in warning
    # Fixed once, so the next read has nothing to say.
    assert load_config(config_file).warnings == []


@posix_only
def test_warnings_are_handed_out_once(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("")
    config_file.chmod(0o644)
    config = load_config(config_file)
    assert len(config.drain_warnings()) == 1
    assert config.drain_warnings() == []


@posix_only
def test_editing_a_loose_file_tightens_it_and_warns(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("")
    config_file.chmod(0o644)
    with editing_config(config_file) as config:
        assert len(config.warnings) == 1
    assert mode(config_file) == 0o600


# -- files pspace did not create (issue 16 items 1 and 10) ---------------------


def symlinked_to(config_file: Path, target: Path, content: str) -> None:
    target.parent.mkdir()
    target.write_text(content)
    target.chmod(0o644)
    config_file.parent.mkdir(parents=True)
    config_file.symlink_to(target)


@posix_only
def test_a_config_behind_a_symlink_is_never_chmodded(tmp_path: Path, config_file: Path) -> None:
    target = tmp_path / "dotfiles" / "pspace.toml"
    symlinked_to(config_file, target, 'default_profile = "default"\n')
    [warning] = load_config(config_file).warnings
    assert mode(target) == 0o644
    assert f"symlink to {target}" in warning
    assert f"chmod 600 {target}" in warning
    assert "now 0600" not in warning


@posix_only
def test_a_system_file_behind_a_symlink_is_never_chmodded(
    tmp_path: Path, config_file: Path
) -> None:
    target = tmp_path / "etc" / "passwd"
    symlinked_to(config_file, target, "root:x:0:0:root:/root:/bin/sh\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config_file)
    assert "left as it is" in (caught.value.hint or "")
    assert mode(target) == 0o644
    assert target.read_text() == "root:x:0:0:root:/root:/bin/sh\n"


@posix_only
def test_a_loose_file_that_is_not_a_config_is_left_as_it_was_said_to_be(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("these are not\nTOML = = settings\n")
    config_file.chmod(0o644)
    with pytest.raises(ConfigError) as caught:
        load_config(config_file)
    assert "left as it is" in (caught.value.hint or "")
    assert mode(config_file) == 0o644


@posix_only
@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to chown")
def test_another_users_loose_file_is_only_warned_about(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('default_profile = "default"\n')
    config_file.chmod(0o644)
    os.chown(config_file, 65534, 65534)
    [warning] = load_config(config_file).warnings
    assert "belongs to another user" in warning
    assert mode(config_file) == 0o644


@posix_only
def test_a_new_config_dir_is_0700_but_an_existing_one_is_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # as /tmp is
    with editing_config(shared / "config.toml") as config:
        config.profiles["a"] = {"team": "t"}
    assert mode(shared) == 0o1777
    with editing_config(tmp_path / "made" / "config.toml") as config:
        config.profiles["a"] = {"team": "t"}
    assert mode(tmp_path / "made") == 0o700


@pytest.fixture
def fifo(config_file: Path) -> Iterator[Path]:
    """A FIFO at config.toml. Should a reader block opening it, a writer comes along after
    a few seconds and hangs up, so the test fails instead of hanging."""
    import threading

    config_file.parent.mkdir(parents=True)
    os.mkfifo(config_file)
    done = threading.Event()

    def unblock() -> None:
        done.wait(3)
        while not done.is_set():
            try:
                os.close(os.open(config_file, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader waiting
                done.wait(0.05)

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    yield config_file
    done.set()
    thread.join(timeout=5)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_at_config_toml_is_refused_at_once(fifo: Path) -> None:
    import time

    started = time.monotonic()
    with pytest.raises(ConfigError, match="is a FIFO"):
        load_config(fifo)
    assert time.monotonic() - started < 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix_only
@pytest.mark.parametrize("kind", ["a directory", "a character device"])
def test_anything_but_a_regular_file_is_refused(config_file: Path, kind: str) -> None:
    config_file.parent.mkdir(parents=True)
    if kind == "a directory":
        config_file.mkdir()
    else:
        config_file.symlink_to(os.devnull)
    with pytest.raises(ConfigError, match=f"is {kind}, not a regular file"):
        load_config(config_file)


def test_a_huge_file_is_refused_without_reading_it_all(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("# padding\n" * 200_000)
    with pytest.raises(ConfigError, match="larger than 1024 KiB"):
        load_config(config_file)


def test_a_config_nested_100k_deep_is_a_config_error(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match="nests tables or arrays too deeply"):
        load_config(config_file)


# -- corrupt files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('default_profile = "default"\n[profiles.default]\napi_key = \n', 3),
        ('[profiles.a]\nteam = "x"\nretries = 3 3\n', 3),
        ('[profiles.a]\nteam = "unterminated\n', 2),
        ('[profiles.a]\nteam = "x"\n[profiles.a]\nteam = "y"\n', 3),
        ("x = [1,\n", 1),
    ],
)
def test_a_corrupt_file_names_file_and_line_and_is_left_alone(
    config_file: Path, text: str, line: int
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(text)
    content = config_file.read_bytes()

    with pytest.raises(ConfigError) as caught:
        load_config(config_file)
    message = caught.value.message
    assert str(config_file) in message
    assert f"line {line}" in message
    assert "left as it is" in (caught.value.hint or "")

    with pytest.raises(ConfigError), editing_config(config_file) as config:
        config.profiles["new"] = {"team": "t"}
    assert config_file.read_bytes() == content
    assert leftovers(config_file.parent) == []


def test_a_file_that_is_not_utf8_names_the_line(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_bytes(b'[profiles.a]\nteam = "\xff\xfe"\n')
    with pytest.raises(ConfigError, match=r"line 2: the file is not UTF-8"):
        load_config(config_file)


@pytest.mark.parametrize(
    "text",
    ["default_profile = 3\n", "profiles = 1\n", '[profiles]\nwork = "x"\n'],
)
def test_a_file_with_the_wrong_layout_is_a_config_error(config_file: Path, text: str) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text(text)
    with pytest.raises(ConfigError, match=str(config_file).replace("\\", "\\\\")):
        load_config(config_file)
    assert config_file.read_text() == text


def test_a_bad_stored_value_names_file_profile_and_fix(config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[profiles.work]\nretries = "many"\napi_key = 12345678\n')
    config = load_config(config_file)
    with pytest.raises(ConfigError) as caught:
        stored_setting(config, "work", "retries")
    assert str(config_file) in caught.value.message
    assert "'work'" in caught.value.message
    assert "pspace config set retries" in (caught.value.hint or "")
    # A bad key is reported without showing it.
    with pytest.raises(ConfigError) as caught:
        stored_setting(config, "work", "api_key")
    assert "12345678" not in caught.value.message


# -- crash between write and rename ------------------------------------------


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_crash_before_the_rename_leaves_the_old_file(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    with editing_config(config_file) as config:
        config.profiles["default"] = {"api_key": "k-old-key-1", "team": "old"}
    original = config_file.read_bytes()

    def crash(src: object, dst: object) -> None:
        raise failure

    monkeypatch.setattr(config_module.os, "replace", crash)
    expected = ConfigError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected), editing_config(config_file) as config:
        config.profiles["default"] = {"api_key": "k-new-key-2", "team": "new"}

    assert config_file.read_bytes() == original
    assert leftovers(config_file.parent) == []


def test_a_failed_write_says_the_old_file_was_kept(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file.parent.mkdir(parents=True)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config_module.os, "fsync", full_disk)
    with pytest.raises(ConfigError) as caught:
        write_config_atomically(ConfigFile(profiles={"a": {"team": "t"}}), config_file)
    assert "No space left on device" in caught.value.message
    assert not config_file.exists()
    assert leftovers(config_file.parent) == []


# -- concurrent writers ------------------------------------------------------

EDITS_PER_WRITER = 50


def _write_many(path: str, writer: int) -> None:
    for index in range(EDITS_PER_WRITER):
        with editing_config(Path(path)) as config:
            config.profiles[f"w{writer}-{index}"] = {"retries": index % 10, "team": f"t{writer}"}


def _read_until_done(path: str, done: multiprocessing.synchronize.Event, failures: object) -> None:
    while not done.is_set():
        try:
            tomllib.loads(Path(path).read_text())
        except FileNotFoundError:
            continue
        except Exception as error:  # any failure to parse is the bug
            failures.put(repr(error))  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_two_concurrent_writers_never_lose_or_truncate(config_file: Path) -> None:
    context = multiprocessing.get_context("fork")
    done = context.Event()
    failures = context.Queue()
    reader = context.Process(target=_read_until_done, args=(str(config_file), done, failures))
    writers = [
        context.Process(target=_write_many, args=(str(config_file), writer)) for writer in (1, 2)
    ]
    reader.start()
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)
        assert process.exitcode == 0
    done.set()
    reader.join(timeout=30)

    problems = []
    while not failures.empty():
        problems.append(failures.get())
    assert problems == []
    final = load_config(config_file)
    expected = {f"w{writer}-{i}" for writer in (1, 2) for i in range(EDITS_PER_WRITER)}
    assert set(final.profiles) == expected
    assert leftovers(config_file.parent) == []


def test_a_held_lock_times_out_with_a_message(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fcntl = pytest.importorskip("fcntl")
    config_file.parent.mkdir(parents=True)
    monkeypatch.setattr(config_module, "LOCK_TIMEOUT_SECONDS", 0.1)
    holder = os.open(config_file.parent / ".config.lock", os.O_RDWR | os.O_CREAT, 0o600)
    # flock locks belong to the open file description, so a second open() contends.
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(ConfigError, match="Another pspace"), editing_config(config_file):
            pass
    finally:
        os.close(holder)


# -- names and values --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("retries", "0", 0),
        ("retries", "10", 10),
        ("http_timeout", "2.5", 2.5),
        ("http_timeout", "60", 60.0),
        ("team", " t0abc ", "t0abc"),
        ("api_url", "sandbox", "sandbox"),
    ],
)
def test_parse_setting_accepts(name: str, raw: str, value: object) -> None:
    assert parse_setting(name, raw) == value


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("retries", "-1"),
        ("retries", "11"),
        ("retries", "2.5"),
        ("http_timeout", "0"),
        ("http_timeout", "nan"),
        ("http_timeout", "inf"),
        ("team", "  "),
        ("colour", "red"),
    ],
)
def test_parse_setting_refuses(name: str, raw: str) -> None:
    with pytest.raises(UsageError):
        parse_setting(name, raw)


@pytest.mark.parametrize("name", ["default", "work-2", "ci.prod", "a_b"])
def test_profile_names_accepted(name: str) -> None:
    assert check_profile_name(name) == name


@pytest.mark.parametrize("name", ["", "-x", "has space", "a/b", "x" * 65, "é"])
def test_profile_names_refused(name: str) -> None:
    with pytest.raises(UsageError):
        check_profile_name(name)


# -- through the CLI: every problem with the file is exit 2, in one line (issue 16 item 15) --

PROBLEMS = {
    "not TOML": lambda path: path.write_text("[profiles.default\n"),
    "wrong layout": lambda path: path.write_text("profiles = 1\n"),
    "bad value": lambda path: path.write_text('[profiles.default]\nretries = "many"\n'),
    "nested 100k deep": lambda path: path.write_text("x = " + "[" * 100_000 + "]" * 100_000),
    "too large": lambda path: path.write_text("#\n" * 600_000),
    "a directory": lambda path: path.mkdir(),
    # Deep enough that the TOML writer, not the reader, runs out of stack.
    "nested 350 deep": lambda path: path.write_text("x = " + "[" * 350 + "]" * 350),
    "not UTF-8": lambda path: path.write_bytes(b"team = '\xff'\n"),
}


@pytest.mark.parametrize("problem", PROBLEMS)
def test_every_config_file_problem_is_exit_2_in_one_line(
    pspace: Any, config_file: Path, problem: str
) -> None:
    config_file.parent.mkdir(parents=True)
    PROBLEMS[problem](config_file)
    # Reading it (whoami), or writing it back (config set) for what only a write finds.
    command = ("config", "set", "team", "t") if "350" in problem else ("whoami",)
    run = pspace(*command)
    assert run.exit_code == 2, run.stderr
    # (A warning that the file was open to others may come first.)
    [line] = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert line.startswith("Error: Config file ")
    assert len(line) < 400


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_pspace_with_a_fifo_for_its_config_exits_2_at_once(config_file: Path) -> None:
    import subprocess
    import sys

    config_file.parent.mkdir(parents=True)
    os.mkfifo(config_file)
    pspace = Path(sys.executable).parent / "pspace"
    env = {**os.environ, "PSPACE_SANDBOX": "1"}
    try:
        done = subprocess.run(
            [str(pspace), "machine", "list"],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("pspace hung on a FIFO at config.toml")
    assert done.returncode == 2, done.stderr
    assert f"Config file {config_file} is a FIFO" in done.stderr

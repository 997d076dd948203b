"""The first run, as a new user has it (issue 15 item 4 and the smaller list).

`pspace sandbox serve` says how to use it from another shell; `pspace login` with a sandbox
URL exported does not tie the profile to that URL, so once the sandbox is gone `whoami` and
the rest still work; a stored URL that no longer answers is named with the fix; `login`,
`logout`, `whoami` and `config` work without the network; Ctrl-C at the key prompt is 130
on a line of its own; `CI=1` at a terminal is not called "no terminal".
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pspace_py.toml_reader import tomllib
from tests.e2e.helpers import (
    PSPACE,
    SANDBOX_KEY,
    ServedSandbox,
    base_env,
    pspace_env,
    run_pspace,
)
from tests.e2e.tmux import Terminal, needs_tmux

pytestmark = pytest.mark.slow

DEFAULT_URL = "https://api.paperspace.com/v1"


def config_of(home: Path) -> dict[str, object]:
    path = home / "config" / "config.toml"
    return tomllib().loads(path.read_text()) if path.exists() else {}


class RefusingProxy:
    """An HTTP proxy on loopback that records where each client wanted to go, and refuses.

    With HTTPS_PROXY pointing here, a command that would talk to Paperspace shows which host it
    chose, and nothing leaves the machine.
    """

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.targets: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                request = connection.recv(4096).decode(errors="replace")
                self.targets.append(request.split("\r\n", 1)[0])
                connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def proxy() -> Iterator[RefusingProxy]:
    refusing = RefusingProxy()
    yield refusing
    refusing.close()


def offline(home: Path, proxy: RefusingProxy, **extra: str) -> dict[str, str]:
    """No PAPERSPACE_API_URL, no key in the environment, and no way out but the proxy."""
    env = pspace_env(home, None, api_key=None, PSPACE_RETRIES="0", **extra)
    env.update(HTTPS_PROXY=proxy.url, HTTP_PROXY=proxy.url, NO_PROXY="127.0.0.1,localhost")
    return env


def test_sandbox_serve_says_how_to_use_it_after_the_url_line(tmp_path: Path) -> None:
    out = tmp_path / "serve.out"
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [str(PSPACE), "sandbox", "serve", "--port", "0"],
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            env=base_env(tmp_path / "home"),
        )
    try:
        deadline = time.monotonic() + 20
        while "PAPERSPACE_API_KEY" not in out.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, out.read_text()
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=10)
    lines = out.read_text().splitlines()
    url = lines[0].removeprefix("PAPERSPACE_API_URL=")
    assert lines[0].startswith("PAPERSPACE_API_URL=http://127.0.0.1:")  # what scripts read
    assert f"export PAPERSPACE_API_URL={url}" in lines
    assert f"export PAPERSPACE_API_KEY={SANDBOX_KEY}" in lines


def test_login_with_an_exported_sandbox_url_leaves_the_profile_on_the_default_api(
    sandboxes: Callable[..., ServedSandbox], home: Path, proxy: RefusingProxy
) -> None:
    server = sandboxes()
    exported = pspace_env(home, server.url, api_key=None)
    login = run_pspace("login", "--with-key-stdin", env=exported, input=SANDBOX_KEY)
    assert login.exit_code == 0, login.stderr
    profile = config_of(home)["profiles"]["default"]  # type: ignore[index]
    assert "api_url" not in profile
    assert "PAPERSPACE_API_URL" in login.stderr  # it says the URL was not kept
    # In that shell the key works: it goes to the API it was checked against ...
    assert run_pspace("machine", "list", "-q", env=exported).exit_code == 0
    server.stop()

    whoami = run_pspace("whoami", env=offline(home, proxy))

    # ... and nowhere else: once the sandbox is gone, nothing waits on its address, and the
    # sandbox's key is not sent to Paperspace.
    assert "Cannot connect" not in whoami.stderr
    assert whoami.exit_code == 3
    assert whoami.stderr.startswith(f"Error: Not logged in to {DEFAULT_URL}:")
    assert "pspace login" in whoami.stderr
    assert proxy.targets == []
    real = run_pspace("login", "--api-key", "a-real-key", env=offline(home, proxy))
    assert real.exit_code == 6  # checked against Paperspace (through the refusing proxy) ...
    assert any("api.paperspace.com:443" in target for target in proxy.targets), proxy.targets
    assert "127.0.0.1" not in real.stderr  # ... not against the stopped sandbox


def test_login_with_api_url_remembers_it_and_a_dead_one_is_named_with_the_fix(
    sandboxes: Callable[..., ServedSandbox], home: Path, proxy: RefusingProxy
) -> None:
    server = sandboxes()
    env = pspace_env(home, None, api_key=None)
    login = run_pspace(
        "login", "--api-url", server.url, "--with-key-stdin", env=env, input=SANDBOX_KEY
    )
    assert login.exit_code == 0, login.stderr
    assert config_of(home)["profiles"]["default"]["api_url"] == server.url  # type: ignore[index]
    server.stop()

    listed = run_pspace("machine", "list", env=offline(home, proxy))

    assert listed.exit_code == 6
    assert server.url in listed.stderr
    assert "pspace config unset api_url" in listed.stderr
    assert listed.stderr.count("\n") == 1


def test_whoami_logout_and_config_work_without_the_network(
    sandboxes: Callable[..., ServedSandbox], home: Path, proxy: RefusingProxy
) -> None:
    server = sandboxes()
    env = pspace_env(home, None, api_key=None)
    run_pspace("login", "--api-url", server.url, "--with-key-stdin", env=env, input=SANDBOX_KEY)
    team = config_of(home)["profiles"]["default"]["team"]  # type: ignore[index]
    server.stop()
    env = offline(home, proxy)

    whoami = run_pspace("whoami", env=env)
    assert whoami.exit_code == 6  # the key could not be checked ...
    assert str(team) in whoami.stdout  # ... but what is known locally is shown
    assert "pspace config unset api_url" in whoami.stderr
    assert run_pspace("config", "list", env=env).exit_code == 0
    assert run_pspace("config", "unset", "api_url", env=env).exit_code == 0
    assert "api_url" not in config_of(home)["profiles"]["default"]  # type: ignore[index]
    assert run_pspace("logout", env=env).exit_code == 0
    assert config_of(home).get("profiles", {}) == {}


def terminal_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        "TERM": "xterm-256color",
        "HOME": str(home),
        "PSPACE_CONFIG_DIR": str(home / "config"),
        "PATH": "/usr/bin:/bin",
    }
    env.update(extra)
    return env


@needs_tmux
def test_ctrl_c_at_the_key_prompt_is_130_on_a_line_of_its_own(home: Path) -> None:
    with Terminal([str(PSPACE), "login"], columns=100, env=terminal_env(home)) as terminal:
        terminal.wait_for("API key:")
        terminal.press("C-c")
        code, screen = terminal.finish()
    assert code == 130, screen
    lines = screen.splitlines()
    assert "Error: Interrupted." in lines, screen
    assert not any(line.startswith("API key:") and "Error" in line for line in lines)
    assert not config_of(home)


@needs_tmux
def test_ci_at_a_terminal_is_not_called_no_terminal(home: Path) -> None:
    with Terminal([str(PSPACE), "login"], columns=120, env=terminal_env(home, CI="1")) as terminal:
        code, screen = terminal.finish()
    assert code == 2
    assert "terminal" not in screen.lower(), screen
    assert "CI" in screen
    assert "--with-key-stdin" in screen

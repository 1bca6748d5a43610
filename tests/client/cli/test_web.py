"""``python -m client web``: the real program serves the page and relays, and a port already taken is one error line."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from client import cli
from fakes.live_server import free_port
from fakes.scripted_model import ScriptedModel
from tests.client.web.helpers import lines, turn

ROOT = Path(__file__).resolve().parents[3]


def test_cli_web__serves_the_page_and_relays_to_a_local_agent(serve_agent, http):
    agent_url = serve_agent(ScriptedModel([["Hello from the agent."]]))
    port = free_port()
    command = [sys.executable, "-m", "client", "web", "--url", agent_url, "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        banner = server.stderr.readline()
        deadline = time.monotonic() + 10
        while True:
            try:
                page = http.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "client web did not start"
                time.sleep(0.05)
        answer = turn(http, f"http://127.0.0.1:{port}", {"prompt": "Hi"})
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()

    assert banner == f"chat on http://127.0.0.1:{port} (agent: {agent_url}); Ctrl-C stops\n"
    assert "<title>Agent chat</title>" in page.text
    assert lines(answer)[0] == {"type": "text", "text": "Hello from the agent."}


def test_cli_web__a_port_already_taken_is_one_error_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["web", "--url", "http://127.0.0.1:8080", "--port", str(port)])

    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{port}: Address already in use; pass another --port")
    assert err.count("\n") == 1


def test_cli_web__signed_in_users_sign_in_on_this_machine_only(capsys, deployment):
    code = cli.main(["web", "--host", "0.0.0.0", "--allow-remote", "--port", str(free_port())])

    err = capsys.readouterr().err
    assert code == 3
    assert "users sign in on this machine only, since the provider sends their browser back to http://localhost:" in err
    assert err.count("\n") == 1


def test_cli_web__discovery_url_without_client_id_is_a_usage_error(capsys, oidc):
    code = cli.main(["web", "--url", "http://127.0.0.1:8080", "--discovery-url", oidc.discovery_url])

    assert code == 2
    assert "--discovery-url and --client-id go together" in capsys.readouterr().err

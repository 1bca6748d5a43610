"""Who may use the relay, and how much of it: as a stranger on the network, a rebinding page or a slow client would.

The relay signs turns with the credentials of the user who started it. On loopback only the Host check stands in the
way of other web pages; on any other address a launch token must come with every request. A request body has a
deadline and the number of turns streaming at once has a cap, so no client can hold the relay's threads or sockets.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from client import LocalAgent
from client.web.access import COOKIE_PREFIX, Access
from fakes.live_server import free_port
from fakes.scripted_model import ScriptedModel
from tests.client.web.helpers import lines

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "launch-token-for-the-access-tests-0123456789"
PATHS = ("/", "/static/app.js", "/api/target", "/favicon.ico")


def network_relay(**options: object) -> Access:
    """What ``client web --host 0.0.0.0 --allow-remote`` serves with (this test's token instead of a random one)."""
    return Access.remote("0.0.0.0", token=TOKEN, **options)


def turn(http: httpx.Client, url: str, session: str | None = None, **headers: str) -> httpx.Response:
    return http.post(f"{url}/api/turns", json={"prompt": "Hi", "session_id": session}, headers=headers)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


# ---- a relay serving the network: the launch token on every request -----------------------------------------------


def test_network_relay__without_the_token_the_page_its_files_and_the_api_are_refused(serve_agent, serve_web, http):
    model = ScriptedModel([["never"]])
    url = serve_web(LocalAgent(serve_agent(model)), access=network_relay())

    answers = [http.get(f"{url}{path}") for path in PATHS] + [turn(http, url)]

    assert [answer.status_code for answer in answers] == [403] * 5
    assert {answer.json()["error"]["kind"] for answer in answers} == {"forbidden"}
    assert "?token=" in answers[0].json()["error"]["message"]
    assert model.calls == []


def test_network_relay__a_wrong_token_is_refused_exactly_like_none_and_reveals_nothing(serve_agent, serve_web, http):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([]))), access=network_relay())
    wrong = TOKEN[:-1] + "X"

    none = http.get(f"{url}/api/target")
    refused = [
        http.get(f"{url}/api/target?token={wrong}"),
        http.get(f"{url}/api/target", headers={"Authorization": f"Bearer {wrong}"}),
        http.get(f"{url}/api/target", headers={"Cookie": f"{COOKIE_PREFIX}{port_of(url)}={wrong}"}),
        http.get(f"{url}/?token={wrong}"),
    ]

    for answer in refused:
        assert (answer.status_code, answer.json()) == (403, none.json())
        assert TOKEN not in answer.text + json.dumps(dict(answer.headers))


def test_network_relay__the_printed_url_trades_the_token_for_an_httponly_strict_cookie(serve_agent, serve_web, http):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([]))), access=network_relay())

    opened = http.get(f"{url}/?token={TOKEN}")

    assert opened.status_code == 303
    assert opened.headers["location"] == "/"  # the token leaves the address bar and the history
    cookie = opened.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_PREFIX}{port_of(url)}={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie


def test_network_relay__with_the_cookie_the_page_its_files_and_a_turn_are_served(serve_agent, serve_web):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([["Hello, holder of the token."]]))), access=network_relay())

    with httpx.Client(timeout=30) as browser:
        page = browser.get(f"{url}/?token={TOKEN}", follow_redirects=True)
        served = [browser.get(f"{url}{path}") for path in PATHS[1:]]
        answer = turn(browser, url)

    assert page.status_code == 200 and "<title>Agent chat</title>" in page.text
    assert [response.status_code for response in served] == [200, 200, 204]
    assert lines(answer)[0] == {"type": "text", "text": "Hello, holder of the token."}


def test_network_relay__a_script_sends_the_token_as_a_bearer_header(serve_agent, serve_web, http):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([["Scripted hello."]]))), access=network_relay())

    answer = turn(http, url, Authorization=f"Bearer {TOKEN}")

    assert answer.status_code == 200
    assert lines(answer)[0] == {"type": "text", "text": "Scripted hello."}


# ---- the Host check, on every bind ----------------------------------------------------------------------------------


@pytest.mark.parametrize("access", [None, network_relay()], ids=["loopback", "network"])
def test_relay__a_request_addressed_to_another_name_is_refused_on_every_bind(serve_agent, serve_web, http, access):
    model = ScriptedModel([])
    url = serve_web(LocalAgent(serve_agent(model)), **({"access": access} if access else {}))
    token = {"Authorization": f"Bearer {TOKEN}"}

    rebound = [
        http.get(url, headers={"Host": "evil.example", **token}),
        turn(http, url, Host=f"evil.example:{port_of(url)}", **token),
    ]
    addressed = http.get(f"{url}/api/target", headers={"Host": f"localhost:{port_of(url)}", **token})

    assert [answer.status_code for answer in rebound] == [400, 400]
    assert "requests addressed to evil.example" in rebound[0].json()["error"]["message"]
    assert addressed.status_code == 200
    assert model.calls == []


def test_network_relay__answers_the_names_given_with_allow_host_and_no_others(serve_agent, serve_web, http):
    url = serve_web(LocalAgent(serve_agent(ScriptedModel([]))), access=network_relay(extra_hosts=["Chat.Example"]))
    token = {"Authorization": f"Bearer {TOKEN}"}

    named = http.get(f"{url}/api/target", headers={"Host": f"chat.example:{port_of(url)}", **token})
    other = http.get(f"{url}/api/target", headers={"Host": f"other.example:{port_of(url)}", **token})

    assert (named.status_code, other.status_code) == (200, 400)


def test_network_relay__the_bound_address_and_this_machines_name_are_its_own():
    bound = Access.remote("192.0.2.10", token=TOKEN)
    everywhere = Access.remote("0.0.0.0", token=TOKEN)

    assert bound.allows_host("192.0.2.10:8501") and bound.allows_host(f"{socket.gethostname()}:8501")
    assert everywhere.allows_host("[::1]:8501") and not everywhere.allows_host("0.0.0.0:8501")
    assert not bound.allows_host("192.0.2.11:8501") and not bound.allows_host(None)


# ---- slow bodies, and a cap on the turns streaming at once ----------------------------------------------------------


def test_relay__a_body_that_does_not_arrive_in_time_is_answered_408_and_the_connection_closed(
    serve_agent, serve_web, http
):
    model = ScriptedModel([])
    url = serve_web(LocalAgent(serve_agent(model)), body_timeout=0.5)
    head = (
        "POST /api/turns HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )

    with socket.create_connection(("127.0.0.1", port_of(url)), timeout=5) as sock:
        sock.sendall(head.encode() + b'{"prompt": "Hi')
        started = time.monotonic()
        received = b""
        while chunk := sock.recv(65536):  # until the relay closes the connection (a timeout fails the test)
            received += chunk
        waited = time.monotonic() - started

    status, _, body = received.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 408")
    assert b"connection: close" in status.lower()
    assert "did not arrive within 0.5 s" in json.loads(body)["error"]["message"]
    assert 0.4 <= waited < 3
    assert model.calls == []
    assert http.get(f"{url}/api/target").status_code == 200  # still serving


def test_relay__turns_beyond_the_cap_are_refused_while_the_others_stream_to_their_end(serve_agent, serve_web):
    model = ScriptedModel([[f"a{i} " for i in range(20)], [f"b{i} " for i in range(20)], ["Room again."]], delay=0.05)
    url = serve_web(LocalAgent(serve_agent(model)), max_turns=2)

    with httpx.Client(timeout=30) as first, httpx.Client(timeout=30) as second, httpx.Client(timeout=30) as third:
        with (
            streaming(first, url) as first_lines,
            streaming(second, url) as second_lines,
        ):
            refused = turn(third, url)
            first_rest, second_rest = list(first_lines), list(second_lines)
        later = turn(third, url)

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["error"]["kind"] == "throttled"
    assert "already streaming 2 turns" in refused.json()["error"]["message"]
    assert json.loads(first_rest[-1])["type"] == json.loads(second_rest[-1])["type"] == "done"
    assert lines(later)[0] == {"type": "text", "text": "Room again."}
    assert len(model.calls) == 3


def test_relay__a_turn_the_page_stopped_gives_its_place_back(serve_agent, serve_web, http):
    model = ScriptedModel([[f"a{i} " for i in range(100)], ["Next."]], delay=0.05)
    url = serve_web(LocalAgent(serve_agent(model)), max_turns=1)

    with streaming(http, url):
        pass  # the page hangs up after the first line
    deadline = time.monotonic() + 5
    while (answer := turn(http, url)).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.05)

    assert answer.status_code == 200
    assert lines(answer)[0] == {"type": "text", "text": "Next."}


@contextmanager
def streaming(client: httpx.Client, url: str) -> Iterator[Iterator[str]]:
    """A turn whose first line has arrived; yields the rest of its lines, to be read inside the block."""
    with client.stream("POST", f"{url}/api/turns", json={"prompt": "Go", "session_id": None}) as response:
        assert response.status_code == 200
        received = response.iter_lines()
        next(received)
        yield received


# ---- the command line -------------------------------------------------------------------------------------------


def test_cli_web__a_network_bind_without_allow_remote_refuses_to_start():
    port = free_port()
    command = [sys.executable, "-m", "client", "web", "--url", "http://127.0.0.1:8080", "--host", "0.0.0.0"]

    result = subprocess.run([*command, "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=30)

    assert result.returncode == 3
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: --host 0.0.0.0 would serve the chat, and turns signed with your AWS")
    assert "pass --allow-remote" in result.stderr


def test_cli_web__allow_remote_warns_and_prints_the_url_whose_token_opens_the_chat(serve_agent, http):
    agent_url = serve_agent(ScriptedModel([["Hello across the network."]]))
    port = free_port()
    command = [sys.executable, "-m", "client", "web", "--url", agent_url, "--host", "0.0.0.0", "--port", str(port)]
    server = subprocess.Popen([*command, "--allow-remote"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        warning, banner = server.stderr.readline(), server.stderr.readline()
        base = f"http://127.0.0.1:{port}"
        without = until_listening(http, f"{base}/api/target")
        token = re.search(r"\?token=([\w-]+) ", banner).group(1)
        with httpx.Client(timeout=30) as browser:
            page = browser.get(f"{base}/?token={token}", follow_redirects=True)
            answer = turn(browser, base)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()

    assert warning.startswith(f"warning: serving on 0.0.0.0:{port} to the network: anyone holding the token")
    assert re.fullmatch(
        rf"chat on http://{re.escape(socket.gethostname())}:{port}/\?token=[\w-]{{43}} \(agent: {agent_url}\); "
        r"Ctrl-C stops\n",
        banner,
    )
    assert without.status_code == 403
    assert page.status_code == 200
    assert lines(answer)[0] == {"type": "text", "text": "Hello across the network."}


def until_listening(http: httpx.Client, url: str) -> httpx.Response:
    """The first answer from a server that has printed its banner and may not listen yet."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return http.get(url)
        except httpx.ConnectError:
            assert time.monotonic() < deadline, "client web did not start"
            time.sleep(0.05)

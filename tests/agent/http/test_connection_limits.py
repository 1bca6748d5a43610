"""Connections that never finish their request are cut; connections beyond the cap are refused; serving goes on.

Driven over raw sockets against ``python -m agent.server`` in its own process, whose uvicorn is configured exactly as
in the container (``agent.http.serving``, ``agent.http.connection_guard``).
"""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.sync.client import connect

from agent.http.connection_guard import ConnectionLimits, protocol_class
from fakes.agent_process import agent_process
from fakes.live_server import serve

TRICKLERS = 30


def read_until_closed(sock: socket.socket) -> bytes:
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    return answer


def json_answer(answer: bytes) -> tuple[int, dict[str, str], dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


def trickle(port: int, every: float, until: float, outcome: dict) -> None:
    """Send a request head one header line at a time, ``every`` seconds, for ``until`` seconds; then wait."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        line = 0
        while time.monotonic() - started + every < until:
            time.sleep(every)
            sock.sendall(f"X-Trickle-{line}: still coming\r\n".encode())
            line += 1
        outcome["answer"] = read_until_closed(sock)
    outcome["seconds"] = time.monotonic() - started
    outcome["lines"] = line


def ping(url: str, within: float) -> int:
    """The status of GET /ping, retried until it is not 503 or ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        status = httpx.get(f"{url}/ping", timeout=5).status_code
        if status != 503 or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_headers_trickled_line_by_line__are_cut_with_a_408_json_answer_once_the_header_timeout_has_passed():
    with agent_process("tools", HEADER_TIMEOUT_SECONDS="1") as agent:
        outcomes = [{} for _ in range(TRICKLERS)]
        threads = [
            threading.Thread(target=trickle, args=(agent.port, 0.25, 0.9, outcome), daemon=True) for outcome in outcomes
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        after = ping(agent.url, within=0)

    for outcome in outcomes:
        status, headers, body = json_answer(outcome["answer"])
        assert status == 408
        assert headers["content-type"] == "application/json"
        assert body["error"] == "request headers did not arrive within 1 s (HEADER_TIMEOUT_SECONDS)"
        assert outcome["lines"] >= 2, "headers kept arriving"
        assert 1.0 <= outcome["seconds"] < 1.6, "the deadline runs from the connection, not from the last line"
    assert after == 200


def test_connection_that_sends_nothing__is_closed_without_an_answer_within_the_header_timeout():
    with agent_process("tools", HEADER_TIMEOUT_SECONDS="0.5") as agent:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", agent.port), timeout=10) as sock:
            answer = read_until_closed(sock)
        took = time.monotonic() - started

    assert answer == b""
    assert 0.5 <= took < 1.2


def test_connections_beyond_the_cap__are_answered_503_json_and_the_server_serves_again_once_they_close():
    with agent_process("tools", MAX_CONNECTIONS="5", HEADER_TIMEOUT_SECONDS="30") as agent:
        held = [socket.create_connection(("127.0.0.1", agent.port), timeout=10) for _ in range(5)]
        time.sleep(0.2)  # the server has accepted them all
        with socket.create_connection(("127.0.0.1", agent.port), timeout=10) as sock:
            sock.sendall(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            status, headers, body = json_answer(read_until_closed(sock))
        for sock in held:
            sock.close()
        after = ping(agent.url, within=2)

    assert status == 503
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert body["error"] == "the agent already serves its maximum of 5 connections (MAX_CONNECTIONS)"
    assert body["hint"]
    assert after == 200


def test_header_timeout__frees_the_slots_that_silent_connections_hold():
    with agent_process("tools", MAX_CONNECTIONS="5", HEADER_TIMEOUT_SECONDS="0.5") as agent:
        held = [socket.create_connection(("127.0.0.1", agent.port), timeout=10) for _ in range(5)]
        time.sleep(0.1)
        refused = httpx.get(f"{agent.url}/ping", timeout=5).status_code
        started = time.monotonic()
        after = ping(agent.url, within=2)
        freed = time.monotonic() - started
        for sock in held:
            sock.close()

    assert refused == 503
    assert after == 200
    assert freed < 1.0


def test_malformed_request__is_answered_400_json_and_the_server_keeps_serving():
    with agent_process("tools") as agent:
        with socket.create_connection(("127.0.0.1", agent.port), timeout=10) as sock:
            sock.sendall(b"GET /ping HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")  # no colon
            status, headers, body = json_answer(read_until_closed(sock))
        after = ping(agent.url, within=0)

    assert status == 400
    assert headers["content-type"] == "application/json"
    assert body["error"].startswith("the request is not valid HTTP/1.1")
    assert "/invocations" in body["hint"]
    assert after == 200


async def echo_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    async for text in websocket.iter_text():
        await websocket.send_text(text)


def test_websocket__outlives_the_header_timeout_once_its_handshake_is_done():
    app = Starlette(routes=[WebSocketRoute("/ws", echo_socket)])
    limits = ConnectionLimits(header_timeout_seconds=0.3, max_connections=5)
    with serve(app, http=protocol_class(limits)) as url, connect(f"ws{url[4:]}/ws", open_timeout=5) as websocket:
        time.sleep(0.6)
        websocket.send("still open")
        echoed = websocket.recv(timeout=5)

    assert echoed == "still open"

"""Hundreds of malformed requests, as a hostile client would send them: each one a 4xx JSON answer, never a 500.

The requests are generated from a fixed seed (a failure names the case, and it can be replayed) and sent over raw
sockets, so nothing tidies them up on the way: random bytes, truncated JSON, deep nesting, huge numbers, bad
Unicode, wrong types, wrong methods and paths, and Content-Length headers that lie. ``/ping`` is asked throughout
and must answer every time.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from fakes.scripted_model import ScriptedModel

SEED = 20261126
CASES = 480
BODY_TIMEOUT_SECONDS = 0.2

Case = tuple[str, str, bytes, int | None]
"""method, path, body, Content-Length to declare (None: the body's true length)."""


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def random_bytes(rng: random.Random) -> Case:
    return "POST", "/invocations", rng.randbytes(rng.randint(1, 400)), None


def truncated(rng: random.Random) -> Case:
    body = _json({"prompt": "What time is it in Tokyo?" * rng.randint(1, 5), "stream": "events"})
    return "POST", "/invocations", body[: rng.randint(0, len(body) - 1)], None


def deep(rng: random.Random) -> Case:
    depth = rng.randint(1_000, 20_000)
    opener, closer = rng.choice([(b"[", b"]"), (b'{"a":', b"}")])
    return "POST", "/invocations", b'{"prompt": ' + opener * depth + b"1" + closer * depth + b"}", None


def huge_number(rng: random.Random) -> Case:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(101, 6_000)))
    sign = rng.choice(["", "-"])
    return "POST", "/invocations", f'{{"prompt": "hi", "n": {sign}1{digits}}}'.encode(), None


def bad_unicode(rng: random.Random) -> Case:
    spoiler = rng.choice(
        [
            b"\\ud800",
            b"\\udfff",
            b"\\ud83d",  # the first half of a pair, alone
            b"\xed\xa0\x80",  # CESU-8
            b"\xc0\x80",  # overlong NUL
            b"\xff",
            b"\xf8\x88\x80\x80\x80",
            bytes([rng.randint(0x80, 0xBF)]),  # a lone continuation byte
        ]
    )
    prefix, suffix = b"say ", b" please"
    if rng.random() < 0.5:
        return "POST", "/invocations", b'{"prompt": "' + prefix + spoiler + suffix + b'"}', None
    return "POST", "/invocations", b'{"prompt": "hi", "' + spoiler + b'": 1}', None


def wrong_type(rng: random.Random) -> Case:
    payload = rng.choice(
        [
            {"prompt": rng.choice([None, 1, 1.5, True, [], {}, ["hi"], {"text": "hi"}])},
            {"prompt": " " * rng.randint(0, 9)},
            {"prompt": "hi", "stream": rng.choice(["xml", "", None, 1, ["text"]])},
            {"question": "hi"},
            rng.choice([[], "hi", 42, None, True]),
        ]
    )
    return "POST", "/invocations", _json(payload), None


def wrong_method_or_path(rng: random.Random) -> Case:
    method = rng.choice(["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "POST"])
    path = rng.choice(["/invocations", "/ping", "/", "/invocation", "/invocations/x", "/%2e%2e/etc", "/ws"])
    if method == "POST" and path == "/invocations":
        path = "/nowhere"
    if method == "GET" and path == "/ping":
        method = "DELETE"
    return method, path, _json({"prompt": "hi"}), None


def lying_length(rng: random.Random) -> Case:
    body = _json({"prompt": "What time is it in Tokyo?"})
    if rng.random() < 0.9:  # shorter: the body is cut where the header says
        return "POST", "/invocations", body, rng.randint(0, len(body) - 1)
    return "POST", "/invocations", body, len(body) + rng.randint(1, 1000)  # longer: it never finishes arriving


GENERATORS: list[Callable[[random.Random], Case]] = [
    random_bytes,
    truncated,
    deep,
    huge_number,
    bad_unicode,
    wrong_type,
    wrong_method_or_path,
    lying_length,
]


def cases() -> Iterator[tuple[str, Case]]:
    rng = random.Random(SEED)  # noqa: S311 (reproducible test data, not secrets)
    for index in range(CASES):
        generator = GENERATORS[index % len(GENERATORS)]
        yield f"#{index} {generator.__name__}", generator(rng)


def send(port: int, case: Case) -> tuple[int, dict[str, str], bytes]:
    """Send one raw request and read the first response to it (status, headers, body)."""
    method, path, body, length = case
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError(f"the server closed the connection without answering: {received!r}")
            received += chunk
        raw_head, _, rest = received.partition(b"\r\n\r\n")
        status_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
        size = int(headers.get("content-length", "-1"))
        while len(rest) < size:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
    return int(status_line.split(" ", 2)[1]), headers, rest[:size]


@pytest.mark.timeout(120)
def test_fuzz__every_malformed_request_gets_a_4xx_json_answer_and_ping_answers_throughout(serve_agent):
    url = serve_agent(ScriptedModel([["never"]]), body_timeout_seconds=BODY_TIMEOUT_SECONDS)
    port = int(url.rsplit(":", 1)[1])
    pings: list[int] = []
    done = threading.Event()

    def ping_throughout() -> None:
        with httpx.Client(timeout=5) as client:
            while not done.is_set():
                pings.append(client.get(f"{url}/ping").status_code)
                time.sleep(0.01)

    pinger = threading.Thread(target=ping_throughout)
    pinger.start()
    started = time.monotonic()
    failures: list[str] = []
    statuses: set[int] = set()
    try:
        for name, case in cases():
            status, headers, body = send(port, case)
            statuses.add(status)
            try:
                answer = json.loads(body)
            except ValueError:
                answer = None
            if not (
                400 <= status < 500 and headers.get("content-type") == "application/json" and "error" in (answer or {})
            ):
                failures.append(f"{name} {case[0]} {case[1]} {case[2][:80]!r}: {status} {body[:200]!r}")
    finally:
        done.set()
        pinger.join(10)
    elapsed = time.monotonic() - started

    assert failures == []
    assert statuses >= {400, 404, 405, 408}, f"the generator no longer covers every refusal: {sorted(statuses)}"
    assert len(pings) > 10 and set(pings) == {200}
    assert elapsed < 60, f"{CASES} requests took {elapsed:.1f}s"

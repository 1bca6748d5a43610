"""``POST /warmup``, AgentCore's warm-up hook on platform V2: after it, a first turn pays for no import.

The agent is built as production builds it (the Bedrock model, pointed at the ``ConverseStream`` stand-in) in a fresh
Python process, so that what a turn imports is not hidden by what other tests imported before.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from agent.server import create_app
from agent.settings import AgentSettings
from contract.deployment import WARMUP_PATH
from fakes.live_server import serve
from fakes.scripted_model import ScriptedModel
from tests.agent.helpers import ROOT

FIRST_TURN = """
import json, os, sys
import httpx
from fakes.bedrock_stream import BedrockStream
from fakes.live_server import serve

with serve(BedrockStream(deltas=3)) as bedrock:
    os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = bedrock
    from agent.server import create_app
    from agent.settings import AgentSettings
    from agent.tools.calculator.pool import POOL

    with serve(create_app(settings=AgentSettings(region="us-east-1"))) as url:
        answers = [httpx.post(url + "/warmup", timeout=120).json() for _ in range(int(sys.argv[1]))]
        before = set(sys.modules)
        turn = httpx.post(url + "/invocations", json={"prompt": "hello"}, timeout=30)
        imported = sorted(set(sys.modules) - before)
        print(json.dumps({"answers": answers, "warm": POOL.warm(), "turn": turn.status_code, "imported": imported}))
        POOL.stop_all()
"""


def first_turn(warmups: int) -> dict:
    """What a fresh agent answers to ``warmups`` warm-up calls, then what its first turn imported."""
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_TURN, str(warmups)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # The agent prints its invocation record on stdout too, maybe after this line.
    (line,) = (line for line in result.stdout.splitlines() if line.startswith('{"answers"'))
    return json.loads(line)


def test_warmup__readies_the_calculator_and_the_bedrock_client_and_the_first_turn_imports_nothing():
    warmed = first_turn(warmups=1)

    (answer,) = warmed["answers"]
    assert (answer["calculator"], answer["bedrock_client"]) == ("ready", True)
    assert warmed["warm"] == 1
    assert (warmed["turn"], warmed["imported"]) == (200, [])


def test_without_warmup__the_first_turn_imports_what_the_hook_would_have():
    cold = first_turn(warmups=0)

    assert cold["turn"] == 200
    assert cold["imported"], "the first turn imported nothing: the warm-up test above would prove nothing"


def test_warmup__asked_twice_finds_it_done_and_keeps_one_warm_worker():
    warmed = first_turn(warmups=2)

    assert [answer["calculator"] for answer in warmed["answers"]] == ["ready", "ready"]
    assert warmed["warm"] == 1


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_warmup__takes_post_only_and_is_no_invocation(http, agent_records, method):
    with serve(create_app(model=ScriptedModel(turns=[]), settings=AgentSettings())) as url:
        response = http.request(method, url + WARMUP_PATH)

    assert response.status_code == 405
    assert agent_records == []

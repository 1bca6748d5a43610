"""``python -m agent`` answers ``/ping`` quickly: the calculator's worker (sympy) imports beside the server, not in it.

``python -m agent`` starts the worker before the server imports its frameworks, so both imports run at once; an app
served some other way (``make dev``'s reloader, the tests' in-process servers) starts it after the first ``/ping``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from agent.tools.calculator.process import WORKER_MODULE
from fakes.agent_process import first_ping
from tests.agent.helpers import ROOT, python_dash_m_agent

PROBE = """
import json, sys, time, urllib.request
import psutil
from agent.tools.calculator.pool import POOL
from agent.server import create_app
from fakes.live_server import serve
from fakes.scripted_model import ScriptedModel

app = create_app(model=ScriptedModel([["hi"]]))
with serve(app) as url:
    before_ping = {"workers": len(psutil.Process().children()), "warm": POOL.warm()}
    urllib.request.urlopen(url + "/ping", timeout=5).read()
    deadline = time.monotonic() + 30
    while POOL.warm() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    after_ping = {"workers": len(psutil.Process().children()), "warm": POOL.warm()}
print(json.dumps({"before_ping": before_ping, "after_ping": after_ping, "sympy": "sympy" in sys.modules}))
"""


def test_start_up__starts_no_calculator_worker_until_ping_has_answered_then_keeps_one_warm():
    env = {**os.environ, "AWS_REGION": "us-east-1"}

    output = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )

    facts = json.loads(output.stdout.strip().splitlines()[-1])
    assert facts["before_ping"] == {"workers": 0, "warm": 0}
    assert facts["after_ping"] == {"workers": 1, "warm": 1}
    assert facts["sympy"] is False, "sympy is imported in the worker, never in the server"


FIRST_ANSWER_PROBE = """
import json, sys, urllib.request
from agent.server import create_app
from fakes.live_server import serve
from fakes.scripted_model import ScriptedModel

app = create_app(model=ScriptedModel([["hi"]]))
with serve(app) as url:
    request = urllib.request.Request(url + "/invocations", data=b'{"prompt": "Hello"}', method="POST")
    answer = urllib.request.urlopen(request, timeout=30).read().decode()
print(json.dumps({"answer": answer, "sympy": "sympy" in sys.modules, "mcp": "mcp" in sys.modules}))
"""


def test_first_answer__offers_the_calculator_without_waiting_for_sympy():
    env = {**os.environ, "AWS_REGION": "us-east-1"}

    output = subprocess.run(
        [sys.executable, "-c", FIRST_ANSWER_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert output.returncode == 0, output.stderr
    facts = json.loads(output.stdout.strip().splitlines()[-1])
    assert 'data: "hi"' in facts["answer"]
    assert facts["sympy"] is False
    assert facts["mcp"] is False  # the Dockerfile turns ADOT's MCP instrumentation off: nothing else needs the SDK


def test_python_dash_m_agent__starts_the_calculator_worker_before_the_server_is_listening():
    env = {**os.environ, "AWS_REGION": "us-east-1", "LOG_LEVEL": "INFO"}

    with python_dash_m_agent(env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as (server, _):
        for line in server.stderr:  # the server says where it listens once its socket is bound
            if line.rstrip().endswith(" | serving"):
                listening_at = time.time()
                break
        else:
            pytest.fail(f"the server ended before it listened (status {server.wait(timeout=10)})")
        workers = [(child.cmdline(), child.create_time()) for child in psutil.Process(server.pid).children()]

    assert [command[command.index("-m") + 1] for command, _ in workers] == [WORKER_MODULE]
    assert workers[0][1] < listening_at


def test_python_dash_m_agent__serves_ping_on_the_given_port():
    env = {**os.environ, "AWS_REGION": "us-east-1"}

    with python_dash_m_agent(env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as (server, url):
        ping = first_ping(url, server, timeout=30)
        bad = httpx.post(f"{url}/invocations", json={"prompt": ""}, timeout=5)

    assert ping.status_code == 200
    assert ping.json()["status"] == "Healthy"
    assert bad.status_code == 400


def test_python_dash_m_agent__exits_with_one_line_naming_a_bad_setting():
    env = {**os.environ, "AWS_REGION": "us-east-1", "MAX_PROMPT_CHARS": "lots"}

    with python_dash_m_agent(env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as (server, _):
        _, stderr = server.communicate(timeout=60)

    assert server.returncode != 0
    assert (
        stderr.strip().splitlines()[-1]
        == "agent: MAX_PROMPT_CHARS='lots' is not an integer; set it to a positive whole number"
    )


TOKEN_CHECK_MODULES = ("jwt", "cryptography", "httpx", "agent.auth.guard", "agent.auth.tokens", "agent.auth.issuer")

IAM_APP_PROBE = """
import json, sys
from agent.server import create_app
from fakes.scripted_model import ScriptedModel

create_app(model=ScriptedModel([["hi"]]))
print(json.dumps(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""


def test_start_up__without_signed_in_users_imports_nothing_that_verifies_a_token():
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUTH_")}
    env["AWS_REGION"] = "us-east-1"

    output = subprocess.run(
        [sys.executable, "-c", IAM_APP_PROBE, *TOKEN_CHECK_MODULES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert json.loads(output.stdout.strip().splitlines()[-1]) == []

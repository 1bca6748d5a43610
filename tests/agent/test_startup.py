"""``python -m agent`` answers ``/ping`` quickly: the calculator's worker (sympy) imports beside the server, not in it.

``python -m agent`` starts the worker before the server imports its frameworks, so both imports run at once; an app
served some other way (``make dev``'s reloader, the tests' in-process servers) starts it after the first ``/ping``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from agent.settings import AgentSettings, ConfigurationError
from agent.tools.calculator.process import WORKER_MODULE
from fakes.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]

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
    port = free_port()
    env = {**os.environ, "AWS_REGION": "us-east-1", "LOG_LEVEL": "INFO"}
    server = subprocess.Popen(
        [sys.executable, "-m", "agent", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in server.stderr:  # the server says where it listens once its socket is bound
            if "serving url=" in line:
                listening_at = time.time()
                break
        else:
            pytest.fail(f"the server ended before it listened (status {server.wait(timeout=10)})")
        workers = [(child.cmdline(), child.create_time()) for child in psutil.Process(server.pid).children()]
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert [command[command.index("-m") + 1] for command, _ in workers] == [WORKER_MODULE]
    assert workers[0][1] < listening_at


def test_python_dash_m_agent__serves_ping_on_the_given_port():
    port = free_port()
    env = {**os.environ, "AWS_REGION": "us-east-1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "agent", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ping = httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not answer /ping within 30 s"
                time.sleep(0.05)
        bad = httpx.post(f"http://127.0.0.1:{port}/invocations", json={"prompt": ""}, timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert ping.status_code == 200
    assert ping.json()["status"] == "Healthy"
    assert bad.status_code == 400


def test_python_dash_m_agent__exits_with_one_line_naming_a_bad_setting():
    env = {**os.environ, "AWS_REGION": "us-east-1", "MAX_PROMPT_CHARS": "lots"}

    result = subprocess.run(
        [sys.executable, "-m", "agent", "--port", str(free_port())],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert (
        result.stderr.strip().splitlines()[-1]
        == "agent: MAX_PROMPT_CHARS='lots' is not an integer; set it to a positive whole number"
    )


def test_settings__come_from_the_environment():
    settings = AgentSettings.from_env(
        {
            "MODEL_ID": "us.amazon.nova-pro-v1:0",
            "AWS_REGION": "eu-west-1",
            "MAX_SESSIONS": "3",
            "SYSTEM_PROMPT": "Be brief.",
        }
    )

    assert settings.model_id == "us.amazon.nova-pro-v1:0"
    assert settings.region == "eu-west-1"
    assert settings.max_sessions == 3
    assert settings.system_prompt == "Be brief."


def test_settings__default_to_claude_sonnet_4_inference_profile():
    assert AgentSettings.from_env({}).model_id == "us.anthropic.claude-sonnet-4-20250514-v1:0"


def test_settings__reject_a_non_numeric_limit_naming_the_variable():
    with pytest.raises(ConfigurationError, match="MAX_SESSIONS='many' is not an integer"):
        AgentSettings.from_env({"MAX_SESSIONS": "many"})


def test_settings__call_bedrock_in_the_region_the_stack_names_before_aws_region():
    settings = AgentSettings.from_env({"BEDROCK_REGION": "us-west-2", "AWS_REGION": "eu-west-1"})

    assert settings.region == "us-west-2"


def test_settings__reject_a_non_positive_timeout_naming_the_variable():
    with pytest.raises(ConfigurationError, match="WEATHER_TIMEOUT_SECONDS='0' must be a positive number of seconds"):
        AgentSettings.from_env({"WEATHER_TIMEOUT_SECONDS": "0"})


def test_settings__read_how_long_a_record_waits_for_the_memory_write():
    assert AgentSettings.from_env({}).memory_record_wait_seconds == 5.0
    assert AgentSettings.from_env({"MEMORY_RECORD_WAIT_SECONDS": "0.5"}).memory_record_wait_seconds == 0.5
    with pytest.raises(
        ConfigurationError, match="MEMORY_RECORD_WAIT_SECONDS='-1' must be a positive number of seconds"
    ):
        AgentSettings.from_env({"MEMORY_RECORD_WAIT_SECONDS": "-1"})


def test_settings__read_the_limits_on_tools_and_connections():
    settings = AgentSettings.from_env(
        {
            "TOOL_TIMEOUT_SECONDS": "12.5",
            "CALCULATOR_TIMEOUT_SECONDS": "2",
            "CALCULATOR_MEMORY_MB": "300",
            "HEADER_TIMEOUT_SECONDS": "0.5",
            "MAX_CONNECTIONS": "7",
        }
    )

    assert settings.tool_timeout_seconds == 12.5
    assert settings.calculator_timeout_seconds == 2.0
    assert settings.calculator_memory_mb == 300
    assert settings.header_timeout_seconds == 0.5
    assert settings.max_connections == 7
    defaults = AgentSettings.from_env({})
    assert (defaults.tool_timeout_seconds, defaults.calculator_timeout_seconds, defaults.calculator_memory_mb) == (
        30.0,
        10.0,
        512,
    )
    assert (defaults.header_timeout_seconds, defaults.max_connections) == (5.0, 100)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TOOL_TIMEOUT_SECONDS", "0", "TOOL_TIMEOUT_SECONDS='0' must be a positive number of seconds"),
        ("CALCULATOR_TIMEOUT_SECONDS", "soon", "CALCULATOR_TIMEOUT_SECONDS='soon' is not a number"),
        ("CALCULATOR_MEMORY_MB", "0.5", "CALCULATOR_MEMORY_MB='0.5' is not an integer"),
        ("HEADER_TIMEOUT_SECONDS", "-1", "HEADER_TIMEOUT_SECONDS='-1' must be a positive number of seconds"),
        ("MAX_CONNECTIONS", "many", "MAX_CONNECTIONS='many' is not an integer"),
    ],
)
def test_settings__reject_an_unusable_limit_naming_the_variable(name, value, message):
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        AgentSettings.from_env({name: value})

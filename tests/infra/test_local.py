"""``make local`` / ``make dev`` (``python -m infra.local``): the agent gets the variables the deployed runtime would
get from the same settings, is told the Region the stack would deploy to, and says what it lacks before it starts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from aws_cdk.assertions import Template

from contract.deployment import MEMORY_ID_ENV
from fakes.live_server import free_port
from infra import local
from infra.preflight import NO_CREDENTIALS, NO_REGION
from infra.runtime.handler import properties as p
from tests.infra.conftest import JWT_SETTINGS, REGION, build_app, offline_env

ROOT = Path(__file__).resolve().parents[2]


class Exec:
    """Stands in for ``os.execve``: records what the launcher would become."""

    def __init__(self):
        self.command = None
        self.env = None

    def __call__(self, path, command, env):
        assert path == command[0]
        self.command, self.env = list(command), dict(env)


@pytest.fixture
def launch(aws_config, capsys):
    """Run the launcher with a given credentials verdict; return (status, exec record, stderr)."""

    def run(*argv, credentials=True):
        became = Exec()
        status = local.main(list(argv), exec_=became, credentials=lambda: credentials)
        return status, became, capsys.readouterr().err

    return run


def test_main__gives_the_agent_the_model_and_prompt_of_the_cdk_arguments_and_the_stacks_region(launch, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    status, became, _ = launch("-c", "modelId=eu.anthropic.claude-sonnet-4-20250514-v1:0", "-c", "systemPrompt=Brief.")

    assert status == 0
    assert became.command == [sys.executable, "-m", "agent", "--host", "127.0.0.1", "--port", "8080"]
    assert became.env["MODEL_ID"] == "eu.anthropic.claude-sonnet-4-20250514-v1:0"
    assert became.env["SYSTEM_PROMPT"] == "Brief."
    assert became.env["BEDROCK_REGION"] == "eu-west-1"


def test_main__the_local_agent_gets_every_variable_the_deployed_runtime_gets(launch, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_REGION", REGION)
    settings = {
        "system_prompt": "You answer in French.",
        "environment": {"MAX_SESSIONS": "64"},
        "secrets": {"WEATHER_API_KEY": "my-agent/weather-key"},
    }
    monkeypatch.setenv("SYSTEM_PROMPT", settings["system_prompt"])
    monkeypatch.setenv("AGENTCORE_AGENT_ENVIRONMENT", '{"MAX_SESSIONS": "64"}')
    monkeypatch.setenv("AGENTCORE_AGENT_SECRETS", '{"WEATHER_API_KEY": "my-agent/weather-key"}')
    _, stack = build_app(str(tmp_path), bundle=False, **settings)
    (runtime,) = Template.from_stack(stack).find_resources(p.RESOURCE_TYPE).values()
    deployed = runtime["Properties"][p.ENVIRONMENT_VARIABLES]

    _, became, _ = launch()

    local_only = {name: became.env.get(name) for name in deployed if name != MEMORY_ID_ENV}
    assert local_only == {name: value for name, value in deployed.items() if name != MEMORY_ID_ENV}


def test_main__with_auth_jwt_the_local_agent_takes_the_tokens_the_deployed_runtime_takes(launch, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_REGION", REGION)
    _, stack = build_app(str(tmp_path), bundle=False, **JWT_SETTINGS)
    (runtime,) = Template.from_stack(stack).find_resources(p.RESOURCE_TYPE).values()
    deployed = runtime["Properties"][p.ENVIRONMENT_VARIABLES]
    args = ["-c", "auth=jwt", "-c", f"jwtDiscoveryUrl={JWT_SETTINGS['jwt_discovery_url']}"]
    args += ["-c", "jwtAllowedClients=0oa1b2c3d4e5", "-c", "jwtAllowedAudience=api://agent"]

    _, became, _ = launch(*args)

    auth = {name: value for name, value in deployed.items() if name.startswith("AUTH_")}
    assert len(auth) == 3
    assert {name: became.env[name] for name in auth} == auth


def test_main__with_auth_cognito_says_the_local_agent_asks_for_no_token_and_how_to_make_it(launch, monkeypatch):
    monkeypatch.setenv("AWS_REGION", REGION)

    _, became, err = launch("-c", "auth=cognito")

    assert "AUTH_DISCOVERY_URL" not in became.env
    assert f"local: warning: {local.COGNITO_LOCALLY}" in err.splitlines()


def test_main__warns_before_starting_when_no_credentials_or_region_can_be_found(launch):
    status, became, err = launch(credentials=False)

    assert status == 0 and became.command is not None
    lines = err.splitlines()
    assert lines[0].startswith(f"local: warning: {NO_REGION}")
    assert lines[1].startswith(f"local: warning: {NO_CREDENTIALS}")
    assert lines[2].startswith("local: the agent (us.anthropic.claude-sonnet-4-20250514-v1:0 in no Region) on ")


def test_main__says_where_the_agent_listens_and_how_to_ask_it_and_nothing_else_when_all_is_there(launch, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    _, _, err = launch("--port", "9123")

    assert err == (
        "local: the agent (us.anthropic.claude-sonnet-4-20250514-v1:0 in eu-west-1) on http://127.0.0.1:9123; ask it "
        'with: .venv/bin/python -m client invoke --url http://127.0.0.1:9123 "Hello"\n'
    )


def test_main__reload_runs_the_agent_under_uvicorns_reloader_watching_agent(launch):
    _, became, _ = launch("--reload")

    assert became.command[1:5] == ["-m", "uvicorn", "agent.server:create_app", "--factory"]
    assert became.command[5:8] == ["--reload", "--reload-dir", "agent"]


def test_main__a_setting_the_stack_would_refuse_stops_it_with_the_fix(launch):
    status, became, err = launch("-c", 'agentEnvironment={"MODEL_ID": "x"}')

    assert status == 1
    assert became.command is None
    assert err.startswith("local: agentEnvironment must not set MODEL_ID")


def test_launcher__brings_neither_cdk_nor_jsii_into_the_agents_process():
    probe = "import sys, infra.local; print(sorted(m for m in ('aws_cdk', 'jsii') if m in sys.modules))"

    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"


def ping_once_serving(process: subprocess.Popen, url: str, *, within: float = 60) -> dict:
    """The agent's ``/ping`` answer as soon as it serves; fails when the process ends or ``within`` seconds pass."""
    deadline = time.monotonic() + within
    while True:
        try:
            return httpx.get(f"{url}/ping", timeout=1).json()
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, "the agent did not start"
            time.sleep(0.1)


def test_launcher__as_make_local_runs_it_serves_the_agent_and_says_so(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    launcher = [sys.executable, "-m", "infra.local", "--port", str(port), "-c", "systemPrompt=Be brief."]
    env = {**offline_env(tmp_path), "AWS_REGION": "us-east-1"}
    agent = subprocess.Popen(launcher, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        health = ping_once_serving(agent, url)
    finally:
        agent.send_signal(signal.SIGTERM)
        _, log = agent.communicate(timeout=30)

    assert health["status"] == "Healthy"
    lines = log.splitlines()
    assert lines[0] == f"local: warning: {NO_CREDENTIALS}; until then each prompt is answered with this fix"
    assert lines[1].startswith(f"local: the agent (us.anthropic.claude-sonnet-4-20250514-v1:0 in us-east-1) on {url}")
    assert f"INFO agent.http.serving url=<{url}>, paths=<POST /invocations, GET /ping> | serving" in lines

"""``python -m agent`` as ``make local`` runs it, on a machine without AWS credentials: it says where it
listens, answers each prompt with the fix instead of a traceback, and writes each SDK record once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from agent.observability.log_format import STREAM_STARTED
from client.cli import EXIT_CONFIGURATION
from fakes.agent_process import first_ping
from tests.agent.helpers import ROOT, python_dash_m_agent


def no_credentials_env(tmp_path: Path) -> dict[str, str]:
    """A Region, and nowhere to find AWS credentials: no variables, no files, no instance metadata."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def invoke_with_the_cli(url: str, prompt: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "client", "invoke", "--url", url, prompt]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_server__without_credentials_says_where_it_listens_and_answers_each_prompt_with_the_fix(tmp_path):
    env = no_credentials_env(tmp_path)

    with python_dash_m_agent(env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as (server, url):
        first_ping(url, server, timeout=60).raise_for_status()
        answers = [invoke_with_the_cli(url, prompt, env) for prompt in ("hi", "hello again")]
        server.send_signal(signal.SIGTERM)
        _, log = server.communicate(timeout=30)

    for answer in answers:
        assert (answer.returncode, answer.stdout) == (EXIT_CONFIGURATION, "")
        assert answer.stderr.startswith("error: the agent found no AWS credentials") and answer.stderr.count("\n") == 1
        assert "aws configure" in answer.stderr
    lines = log.splitlines()
    assert f"INFO agent.http.serving url=<{url}>, paths=<POST /invocations, GET /ping> | serving" in lines
    assert "Traceback" not in log
    not_called = [line for line in lines if line.startswith("ERROR agent.streaming.events error=<NoCredentialsError>")]
    assert len(not_called) == 2
    assert all(line.endswith(" | model not called, nothing answered") for line in not_called)
    started = STREAM_STARTED.split(" (")[0]
    assert len([line for line in lines if started in line]) == 2, "each SDK record is written once per request"

"""``python -m client dashboard``: the stack's DashboardUrl output, printed or opened, through real boto3 against the
CloudFormation stand-in."""

from __future__ import annotations

import webbrowser

from client import cli
from contract.deployment import DEFAULT_STACK_NAME, OUTPUT_DASHBOARD_URL, OUTPUT_RUNTIME_ARN
from fakes.scripted_model import ScriptedModel
from tests.client.cli.helpers import assert_one_error_line, run

URL = "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=AgentCoreStreamingAgent-eu-west-1"


def deployed(agentcore, monkeypatch, **outputs):
    """The CloudFormation stand-in answering for the default stack, with these outputs."""
    core = agentcore(ScriptedModel([]))
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", core.url)
    core.plane.stacks[DEFAULT_STACK_NAME] = {OUTPUT_RUNTIME_ARN: core.arn, **outputs}
    return core


def test_cli_dashboard__prints_the_stacks_dashboard_url(agentcore, monkeypatch, capsys):
    deployed(agentcore, monkeypatch, **{OUTPUT_DASHBOARD_URL: URL})

    assert run(capsys, "dashboard") == (0, f"{URL}\n", "")


def test_cli_dashboard__open_opens_it_in_the_browser_too(agentcore, monkeypatch, capsys):
    deployed(agentcore, monkeypatch, **{OUTPUT_DASHBOARD_URL: URL})
    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)

    code, out, _ = run(capsys, "dashboard", "--open")

    assert (code, out, opened) == (0, f"{URL}\n", [URL])


def test_cli_dashboard__a_stack_deployed_without_one_exits_3_saying_so(agentcore, monkeypatch, capsys):
    deployed(agentcore, monkeypatch)

    code, out, err = run(capsys, "dashboard")

    assert (code, out) == (cli.EXIT_CONFIGURATION, "")
    assert_one_error_line(err, f"no {OUTPUT_DASHBOARD_URL} output", "-c dashboard=false")

"""The ``calculator`` tool as the model is offered it: the installed tool's spec, and its real results and errors."""

from __future__ import annotations

from agent.settings import AgentSettings
from agent.tools.calculator.tool import Calculator, calculator_tool
from fakes.scripted_model import ScriptedModel, ToolCall
from tests.agent.helpers import result_text, tool_result


def test_calculator__really_evaluates_the_expression(serve_agent, http):
    call = ToolCall("calculator", {"expression": "2 + 3 * 4"})
    url = serve_agent(ScriptedModel([[call], ["14"]]))

    result = tool_result(http, url)

    assert result["status"] == "success"
    assert "14" in result_text(result)


def test_calculator__a_bad_expression_is_the_real_tools_error(serve_agent, http):
    call = ToolCall("calculator", {"expression": "2 +* 3"})
    url = serve_agent(ScriptedModel([[call], ["sorry"]]))

    result = tool_result(http, url)

    assert result["status"] == "error"
    assert result_text(result) == "Error: Invalid mathematical expression: invalid syntax"


def test_calculator__offers_the_model_exactly_the_installed_tools_spec():
    real = calculator_tool()

    offered = Calculator(AgentSettings())

    assert offered.tool_spec == real.tool_spec, (
        "agent/tools/calculator/spec.json is stale: scripts/record_calculator_spec.py"
    )
    assert offered.tool_name == real.tool_name
    assert offered.tool_type == real.tool_type
    assert offered.supports_hot_reload == real.supports_hot_reload
    assert offered.get_display_properties() == real.get_display_properties()

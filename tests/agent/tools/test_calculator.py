"""The ``calculator`` tool as the model is offered it: exactly the installed tool's spec, without importing it."""

from __future__ import annotations

from agent.settings import AgentSettings
from agent.tools.calculator.tool import Calculator, calculator_tool


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

"""Write ``agent/tools/calculator/spec.json`` from the installed ``strands_tools.calculator``.

The agent offers the calculator's spec before importing the tool (``agent/tools/calculator/tool.py`` says why); run
this after changing the ``strands-agents-tools`` pin. ``tests/agent/tools/test_calculator.py`` fails while the
recording is stale.

    .venv/bin/python scripts/record_calculator_spec.py
"""

from __future__ import annotations

import json

from agent.tools.calculator.tool import CALCULATOR_SPEC, calculator_tool


def main() -> None:
    """Record the spec the installed tool gives the model."""
    CALCULATOR_SPEC.write_text(json.dumps(calculator_tool().tool_spec, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {CALCULATOR_SPEC}")


if __name__ == "__main__":
    main()

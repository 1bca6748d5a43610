"""The baseline: an agent written the way AWS's AgentCore tutorial writes it, served by the SDK as the tutorial does.

Module-level imports (``strands_tools.calculator``, hence sympy, before anything is served), one global ``Agent``
shared by every request, and an async-generator entrypoint yielding each ``event["data"]``. Only the model differs
from the tutorial: the same scripted model as our side, so both stream the same text without a network.

    python -m bench.tutorial_agent --port 8081 --chunks 2000
"""

import argparse

from bedrock_agentcore.runtime import BedrockAgentCoreApp
from strands import Agent
from strands_tools import calculator

from bench.serve import tokens
from fakes.scripted_model import ScriptedModel

_args = argparse.ArgumentParser(prog="python -m bench.tutorial_agent")
_args.add_argument("--port", type=int, required=True)
_args.add_argument("--chunks", type=int, default=2000)
ARGS = _args.parse_args()  # a script only: the tutorial builds its agent at import, so the arguments come first

app = BedrockAgentCoreApp()
agent = Agent(model=ScriptedModel([tokens(ARGS.chunks)], repeat=True), tools=[calculator], callback_handler=None)


@app.entrypoint
async def invoke(payload):
    user_message = payload.get("prompt", "Hello")
    async for event in agent.stream_async(user_message):
        if "data" in event:
            yield event["data"]


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=ARGS.port)

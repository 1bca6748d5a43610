"""The system prompt the agent starts from, beside the tools it names.

A deployment replaces it with its own (``SYSTEM_PROMPT``, the stack's ``systemPrompt``); this one is what the agent
says when nobody chose: a tool added to ``agent.tools.registry`` that the model should prefer to guessing is worth a
word here.
"""

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful assistant. Use the tools you have for weather, time and arithmetic rather than guessing, "
    "and say so when a tool fails."
)

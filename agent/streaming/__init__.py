"""One turn of a conversation on the wire: Strands events in, Server-Sent Events out, as the model writes them.

- ``events``: the agent's Strands events as the JSON values of the ``text`` or ``events`` stream.
- ``sse``: those values as SSE bytes, written the moment they exist, back-to-back ones sharing a write.
- ``turn``: the response of one turn, which stops the agent when the client hangs up and keeps the history valid.
- ``aws_setup``: failures that mean AWS cannot be called from here at all, answered with the fix.
- ``bedrock``: the production model, whose stream to Bedrock is closed when the turn ends, a hang-up included.
"""

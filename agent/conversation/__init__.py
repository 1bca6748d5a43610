"""Whose conversation a request continues, and where that conversation is kept.

- ``sessions``: one ``Agent`` per conversation in process, least recently used dropped first, one turn at a time.
- ``keys``: a conversation's key (actor and runtime session), and its session id as AgentCore Memory takes it.
- ``memory_store``: one conversation as AgentCore Memory events: how it is written and read back.
- ``memory_conversations``: conversations restored from memory before their first turn here and saved after each.
- ``ordered_executor``: worker threads that run one key's calls in the order they were asked for.
"""

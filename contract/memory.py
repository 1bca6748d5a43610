"""How the agent lays a conversation out in AgentCore Memory; the client reads the same layout to list them."""

MEMORY_TURN_KEY = "turn"
MEMORY_PART_KEY = "part"
MEMORY_PARTS_KEY = "parts"
"""Metadata of each conversation event in AgentCore Memory: the turn's number (from 0), this event's part of the
turn and how many parts it has, each a zero-padded decimal string (``memory_number``). The agent writes them; the
client finds a conversation's first turn by them."""


def memory_number(key: str, value: int) -> str:
    """``value`` as the zero-padded string AgentCore Memory holds for metadata ``key``; it sorts as it counts."""
    return f"{value:0{8 if key == MEMORY_TURN_KEY else 3}d}"

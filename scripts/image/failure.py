"""How a check says it failed: one exception whose message says what was expected and what was seen."""


class CheckFailed(Exception):
    """A check failed; the run stops, prints the message after ``FAILED:`` and exits with status 1."""

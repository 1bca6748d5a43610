"""The ``get_time`` tool: the current time, in a timezone the model names."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from strands import tool


@tool
def get_time(timezone: str | None = None) -> str:
    """Get the current date and time.

    Args:
        timezone: IANA timezone name such as "Europe/Paris" or "America/New_York". Omit it for UTC.
    """
    if timezone is None or not timezone.strip():
        zone, label = UTC, "UTC"
    else:
        label = timezone.strip()
        try:
            zone = ZoneInfo(label)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {label!r}: use an IANA name such as 'Europe/Paris' or 'Asia/Tokyo'"
            ) from None
    now = datetime.now(zone)
    return f"{now.isoformat(timespec='seconds')} ({label}, {now:%A})"

"""Time sources.

Wall-clock timestamps (naive UTC, like Nova's DB columns) are kept apart from
the monotonic clock the workflow engine schedules on, so that a wall-clock jump
never stalls or fast-forwards a migration.
"""

import datetime
import time


def utcnow():
    """Naive UTC ``datetime`` (Nova stores naive UTC timestamps)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def monotonic():
    return time.monotonic()


def parse_isotime(value):
    """Parse an ISO 8601 timestamp into naive UTC; raise ``ValueError`` if invalid."""
    if not isinstance(value, str) or not value:
        raise ValueError("empty timestamp")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed

"""Runtime configuration shared by the models and the HTTP layer."""

import dataclasses
import math
import re

MIN_MICROVERSION = "2.1"
DEFAULT_MAX_MICROVERSION = "2.103"     # 2026.1 (Gazpacho), the latest released Nova
ABSOLUTE_MAX_MICROVERSION = "2.104"    # Nova master; nothing above is modelled
EXTENSIONS = ("cold-migration-force", "all-migration-types")
_VERSION_RE = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


def parse_version(text):
    """'2.56' -> (2, 56); raises ValueError for anything else."""
    match = _VERSION_RE.match(text or "")
    if not match:
        raise ValueError("invalid microversion %r" % (text,))
    return int(match.group(1)), int(match.group(2))


def _seconds(name, value):
    """A duration as a float; NaN, infinity (JSON 1e400) and ints beyond float range are refused,
    as they would pass a "< 0" check and then break every workflow and the JSON of /mock/state."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("%s must be a finite number >= 0" % name)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or number < 0:
        raise ValueError("%s must be a finite number >= 0" % name)
    return number


@dataclasses.dataclass
class MockConfig:
    max_microversion: str = DEFAULT_MAX_MICROVERSION
    extensions: tuple = ()
    migration_seconds: float = 1.0        # 202 -> finished/completed for a cold or live migration
    resize_confirm_window: float = 0.0    # > 0: auto-confirm VERIFY_RESIZE after this many seconds
    max_limit: int = 1000                 # Nova's [api] max_limit
    max_body_bytes: int = 1024 * 1024     # larger request bodies get 413

    def __post_init__(self):
        self.validate()

    def validate(self):
        bounds = "max_microversion must be a version between %s and %s" % (MIN_MICROVERSION, ABSOLUTE_MAX_MICROVERSION)
        try:
            version = parse_version(self.max_microversion)
        except ValueError as exc:   # also int()'s refusal of thousands of digits
            raise ValueError(bounds) from exc
        if not parse_version(MIN_MICROVERSION) <= version <= parse_version(ABSOLUTE_MAX_MICROVERSION):
            raise ValueError(bounds)
        if not all(isinstance(name, str) for name in self.extensions):
            raise ValueError("extensions must be a list of strings")
        self.extensions = tuple(dict.fromkeys(self.extensions))
        unknown = [name for name in self.extensions if name not in EXTENSIONS]
        if unknown:
            raise ValueError("unknown extension(s): %s (known: %s)" % (", ".join(unknown), ", ".join(EXTENSIONS)))
        for name in ("migration_seconds", "resize_confirm_window"):
            setattr(self, name, _seconds(name, getattr(self, name)))
        if isinstance(self.max_limit, bool) or not isinstance(self.max_limit, int) or self.max_limit < 1:
            raise ValueError("max_limit must be an integer >= 1")

    def has_extension(self, name):
        return name in self.extensions

    def updated(self, changes):
        """Return a validated copy with ``changes`` applied (raises ValueError/TypeError)."""
        if not isinstance(changes, dict):
            raise ValueError("config changes must be a JSON object")
        allowed = {"max_microversion", "extensions", "migration_seconds", "resize_confirm_window", "max_limit"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise ValueError("unknown config key(s): %s" % ", ".join(unknown))
        values = dataclasses.asdict(self)
        values.update(changes)
        if not isinstance(values["extensions"], (list, tuple)):
            raise ValueError("extensions must be a list")
        values["extensions"] = tuple(values["extensions"])
        if not isinstance(values["max_microversion"], str):
            raise ValueError("max_microversion must be a string")
        return MockConfig(**values)

    def to_dict(self):
        data = dataclasses.asdict(self)
        data["extensions"] = list(self.extensions)
        return data

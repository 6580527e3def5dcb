"""Microversion negotiation (microversion_parse semantics) for compute and placement."""

from mock_compute.api.errors import APIError
from mock_compute.config import parse_version

STANDARD_HEADER = "OpenStack-API-Version"
NOVA_LEGACY_HEADER = "X-OpenStack-Nova-API-Version"
PLACEMENT_MIN, PLACEMENT_MAX = (1, 0), (1, 39)


def fmt(version):
    return "%d.%d" % version


def requested(headers, service_type, legacy_header=None):
    """The raw version string asked for, or None.

    The standard header wins; when folded or comma-separated the last entry
    for our service type counts.  The legacy header is only read when the
    standard one names no version for this service.
    """
    value = None
    for raw in headers.getlist(STANDARD_HEADER):
        for item in raw.split(","):
            parts = item.strip().split(None, 1)
            if len(parts) == 2 and parts[0].lower() == service_type:
                value = parts[1].strip()
    if value is None and legacy_header:
        legacy = headers.get(legacy_header)
        if legacy is not None:
            value = legacy.strip()
    return value


class UnsupportedVersion(APIError):
    """406 for a well-formed version outside the range; Nova has already taken it as the request's version, so
    its fault still carries the version headers (with the version asked for)."""

    def __init__(self, message, version):
        super().__init__(406, message)
        self.version = version


def negotiate_compute(headers, maximum):
    """Return the (major, minor) to serve; raise 400/406 like Nova."""
    minimum = (2, 1)
    value = requested(headers, "compute", NOVA_LEGACY_HEADER)
    if value is None:
        return minimum
    if value.lower() == "latest":
        return maximum
    try:
        version = parse_version(value)
    except ValueError as exc:
        raise APIError(400, "API Version String %s is of invalid format. Must be of format MajorNum.MinorNum."
                       % value) from exc
    if not minimum <= version <= maximum:
        raise UnsupportedVersion("Version %s is not supported by the API. Minimum is %s and maximum is %s."
                                 % (value, fmt(minimum), fmt(maximum)), version)
    return version


def negotiate_placement(headers):
    value = requested(headers, "placement")
    if value is None:
        return PLACEMENT_MIN
    if value.lower() == "latest":
        return PLACEMENT_MAX
    try:
        version = parse_version(value)
    except ValueError as exc:
        raise APIError(400, "invalid version string: %s" % value) from exc
    if not PLACEMENT_MIN <= version <= PLACEMENT_MAX:
        raise APIError(406, "Invalid microversion: Unacceptable version header: %s" % value)
    return version


def placement_range():
    return fmt(PLACEMENT_MIN), fmt(PLACEMENT_MAX)


def compute_headers(version):
    """Response headers Nova adds to every versioned response."""
    return [(STANDARD_HEADER, "compute " + fmt(version)), (NOVA_LEGACY_HEADER, fmt(version)),
            ("Vary", STANDARD_HEADER), ("Vary", NOVA_LEGACY_HEADER)]


def placement_headers(version):
    return [(STANDARD_HEADER, "placement " + fmt(version)), ("Vary", STANDARD_HEADER)]

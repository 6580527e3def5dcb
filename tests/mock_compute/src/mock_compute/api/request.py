"""Reading request bodies and query strings defensively (never a 5xx, never FastAPI's 422)."""

import json

from mock_compute.api.errors import APIError

_JSON_TYPES = ("application/json", "application/vnd.openstack.compute+json", "text/plain",
               "application/openstack-images-v2.1-json-patch")


class _NoBody:
    """Marker for an absent body (Nova validates it as None)."""


NO_BODY = _NoBody()


async def read_raw(request, max_bytes):
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > max_bytes:
                raise APIError(413, "Request is too large.")
        except ValueError as exc:
            raise APIError(400, "Malformed request body") from exc
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > max_bytes:
            raise APIError(413, "Request is too large.")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request, max_bytes, malformed="Malformed request body"):
    """Parsed JSON body, or ``NO_BODY`` when the body is empty."""
    raw = await read_raw(request, max_bytes)
    if not raw.strip():
        return NO_BODY
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in _JSON_TYPES:
        raise APIError(415, "Unsupported Content-Type")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise APIError(400, malformed) from exc
    # JSON may escape half a UTF-16 pair ("\ud800"). Nova's string patterns refuse it; here it
    # would end up in state or in an error message that can never be written back as UTF-8.
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise APIError(400, "%s (it contains a lone UTF-16 surrogate escape)" % malformed) from exc
    return body


def page_limit(params, max_limit):
    """``limit`` capped at ``max_limit``, as Nova's ``common.get_limit_and_marker`` reads it.

    The query schema accepts any run of digits, but ``int()`` refuses more than 4300 of them.
    """
    requested = last(params, "limit")
    if requested is None:
        return max_limit
    try:
        return min(int(requested), max_limit)
    except ValueError as exc:
        raise APIError(400, "limit param must be an integer") from exc


def body_or_none(body):
    return None if body is NO_BODY else body


def query_lists(request):
    """The query string as {name: [values]} (repeated parameters kept)."""
    params = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


def last(params, name, default=None):
    values = params.get(name)
    return values[-1] if values else default

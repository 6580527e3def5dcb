"""Error rendering in the three dialects spoken on this port.

* Nova: ``{"<faultName>": {"code": N, "message": "..."}}`` (wsgi.Fault._fault_names)
* Keystone and keystonemiddleware: ``{"error": {"code": N, "title": "...", "message": "..."}}``
* Placement: ``{"errors": [{"status": N, "title": ..., "detail": ..., "code": ..., "request_id": ...}]}``
"""

import http

from fastapi.responses import JSONResponse

NOVA_FAULT_NAMES = {
    400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound", 405: "badMethod",
    409: "conflictingRequest", 413: "overLimit", 415: "badMediaType", 429: "overLimit", 501: "notImplemented",
    503: "serviceUnavailable",
}
AUTH_REQUIRED = "The request you have made requires authentication."
DEFAULT_MESSAGES = {
    400: "Bad request.",
    401: AUTH_REQUIRED,
    403: "Forbidden",
    404: "The resource could not be found.",
    405: "The method specified is not allowed for this resource.",
    409: "There was a conflict when trying to complete your request.",
    413: "Request is too large.",
    415: "Unsupported Content-Type",
    429: "This request was rate-limited.",
    500: "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log "
         "if possible.\n<class 'Exception'>",
    501: "The requested functionality is not supported.",
    502: "Bad Gateway",
    503: "The server is currently unavailable. Please try again at a later time.",
    504: "The gateway timed out.",
}

# webob's explanation of a 400, shown when Nova passes its own text as webob's detail instead
WEBOB_BAD_REQUEST = "The server could not comply with the request since it is either malformed or otherwise incorrect."

COMPUTE, IDENTITY, PLACEMENT, CONTROL = "compute", "identity", "placement", "control"


class APIError(Exception):
    """Raised by route code; rendered in the dialect of the area the request is in."""

    def __init__(self, status, message=None, headers=None):
        self.status = status
        self.message = message if message is not None else default_message(status)
        self.headers = headers or {}
        super().__init__(self.message)


def default_message(status):
    if status in DEFAULT_MESSAGES:
        return DEFAULT_MESSAGES[status]
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _title(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def area_of(path):
    if path.startswith("/mock/") or path == "/mock":
        return CONTROL
    if path == "/v3" or path.startswith("/v3/"):
        return IDENTITY
    if path == "/placement" or path.startswith("/placement/"):
        return PLACEMENT
    return COMPUTE


def nova_body(status, message):
    body = {"code": status, "message": message}
    if status in (413, 429):
        body["retryAfter"] = "0"
    return {NOVA_FAULT_NAMES.get(status, "computeFault"): body}


def keystone_body(status, message):
    return {"error": {"code": status, "title": _title(status), "message": message}}


# webob's explanations, which Placement's error bodies start with (its JSON formatter keeps webob's text)
_WEBOB_EXPLANATIONS = {
    400: WEBOB_BAD_REQUEST,
    403: "Access was denied to this resource.",
    404: "The resource could not be found.",
    405: "The method specified is not allowed for this resource.",
    409: "There was a conflict when trying to complete your request.",
}
PLACEMENT_ERROR_CODES_FROM = (1, 23)


def placement_body(status, message, request_id, version=None, versions=None):
    """Placement's json_error_formatter over webob's plain body; ``code`` from 1.23, and a 406 for a version
    outside the range names that range (``versions``: (min, max) strings)."""
    if status == 406:
        detail = ("The resource could not be generated that was acceptable to your browser (content of type "
                  "application/json. \n\n %s" % message)
    else:
        detail = "%s\n\n %s  " % (_WEBOB_EXPLANATIONS.get(status, _title(status) + "."), message)
    error = {"status": status, "title": _title(status), "detail": detail}
    if version is not None and version >= PLACEMENT_ERROR_CODES_FROM:
        error["code"] = "placement.undefined_code"
    error["request_id"] = request_id
    if status == 406 and version is None and versions:
        error["max_version"], error["min_version"] = versions[1], versions[0]
    return {"errors": [error]}


def render(area, status, message, request_id="", headers=None, version=None, versions=None):
    if area == PLACEMENT:
        body = placement_body(status, message, request_id, version, versions)
    elif area in (IDENTITY, CONTROL):
        body = keystone_body(status, message)
    else:
        body = nova_body(status, message)
    return JSONResponse(body, status_code=status, headers=headers)


def unauthorized(auth_url):
    """keystonemiddleware's 401, returned before the service sees the request."""
    return JSONResponse(keystone_body(401, AUTH_REQUIRED), status_code=401,
                        headers={"WWW-Authenticate": 'Keystone uri="%s"' % auth_url})


def instance_state_conflict(exc, action, server_id):
    """Nova's ``raise_http_conflict_for_instance_invalid_state`` wording for InstanceInvalidState."""
    attr, state = exc.kwargs.get("attr"), exc.kwargs.get("state")
    if attr is not None and state is not None:    # e.g. task_state None gets the generic text
        return APIError(409, "Cannot '%s' instance %s while it is in %s %s" % (action, server_id, attr, state))
    return APIError(409, "Instance %s is in an invalid state for '%s'" % (server_id, action))

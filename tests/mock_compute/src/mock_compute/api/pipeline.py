"""The request pipeline every API call passes through, in deployment order.

1. route resolution and the request counter (``/mock/*`` is neither counted nor faulted);
2. keystonemiddleware: ``X-Auth-Token`` validation where the real service requires it;
3. microversion negotiation (compute or placement);
4. injected ``http_error`` faults;
5. the route itself; afterwards the request-id and microversion headers are added,
   on success and error responses alike.
"""

import logging
import uuid

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.routing import Match

from mock_compute.api import microversion
from mock_compute.api.context import RequestContext
from mock_compute.api.errors import COMPUTE, CONTROL, IDENTITY, PLACEMENT, APIError, area_of, default_message, render, unauthorized
from mock_compute.config import parse_version
from mock_compute.models.counters import route_key
from mock_compute.models.exceptions import AuthenticationFailed

LOG = logging.getLogger(__name__)
_UNVERSIONED = {"/", "/v2.1", "/v2.1/", "/placement", "/placement/"}


def resolve_route(routes, scope):
    """The route template serving this request (path-only match if the method is wrong)."""
    partial = None
    for route in routes:
        match, _ignored = route.matches(scope)
        if match == Match.FULL:
            return route.path
        if match == Match.PARTIAL and partial is None:
            partial = route.path
    return partial


def _needs_token(area, path, method):
    if area == COMPUTE:
        return path.startswith("/v2.1/") and path != "/v2.1/"
    if area == PLACEMENT:
        return path not in _UNVERSIONED
    if area == IDENTITY:
        return path.rstrip("/") == "/v3/auth/tokens" and method != "POST"
    return False


class Pipeline(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        path = request.url.path
        area = area_of(path)
        ctx = RequestContext(request_id="req-%s" % uuid.uuid4())
        request.state.ctx = ctx
        request.state.area = area
        if area == CONTROL:
            return await call_next(request)
        cloud = request.app.state.cloud
        route = resolve_route(request.app.state.route_table, request.scope)
        cloud.counters.count(route_key(request.method, route))
        version_headers = []
        try:
            if _needs_token(area, path, request.method):
                try:
                    ctx.token = cloud.identity.validate(request.headers.get("x-auth-token"))
                except AuthenticationFailed:
                    return self._finish(unauthorized(str(request.base_url).rstrip("/") + "/v3"), ctx, area, [])
            if area == COMPUTE and path not in _UNVERSIONED:
                ctx.version = microversion.negotiate_compute(
                    request.headers, parse_version(cloud.config.max_microversion))
                version_headers = microversion.compute_headers(ctx.version)
            elif area == PLACEMENT and path not in _UNVERSIONED:
                ctx.version = microversion.negotiate_placement(request.headers)
                version_headers = microversion.placement_headers(ctx.version)
            with cloud.locked():
                fault = cloud.faults.take_http_error(request.method, path, route)
            if fault is not None:
                raise APIError(fault.status, fault.message)
            response = await call_next(request)
        except APIError as exc:
            if isinstance(exc, microversion.UnsupportedVersion):
                version_headers = microversion.compute_headers(exc.version)
            response = render(area, exc.status, exc.message, ctx.request_id, exc.headers, ctx.version,
                              microversion.placement_range())
        except Exception:  # never leak a traceback or a non-OpenStack body
            LOG.exception("unhandled error serving %s %s", request.method, path)
            response = render(area, 500, default_message(500), ctx.request_id)
        return self._finish(response, ctx, area, version_headers)

    @staticmethod
    def _finish(response, ctx, area, version_headers):
        for name, value in version_headers:
            response.headers.append(name, value)
        response.headers["x-openstack-request-id"] = ctx.request_id
        if area == COMPUTE:
            response.headers["x-compute-request-id"] = ctx.request_id
        return response

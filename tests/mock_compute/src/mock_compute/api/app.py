"""FastAPI application factory."""

import contextlib

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from mock_compute.api import (
    aggregates,
    availability_zones,
    control,
    flavors,
    hypervisors,
    identity_routes,
    instance_actions,
    os_migrations,
    placement,
    server_actions,
    server_groups,
    server_migrations,
    servers,
    services,
    versions,
)
from mock_compute.api.errors import CONTROL, APIError, area_of, default_message, render
from mock_compute.api.pipeline import Pipeline
from mock_compute.models.exceptions import ComputeError
from mock_compute.models.ticker import Ticker

ROUTERS = (versions, identity_routes, servers, server_actions, server_migrations, os_migrations, services,
           hypervisors, flavors, availability_zones, instance_actions, server_groups, aggregates, placement, control)


def _area(request):
    return getattr(request.state, "area", None) or area_of(request.url.path)


def _request_id(request):
    ctx = getattr(request.state, "ctx", None)
    return ctx.request_id if ctx is not None else ""


def _version(request):
    ctx = getattr(request.state, "ctx", None)
    return ctx.version if ctx is not None else None


async def _api_error(request, exc):
    return render(_area(request), exc.status, exc.message, _request_id(request), exc.headers, _version(request))


async def _compute_error(request, exc):
    return render(_area(request), exc.code, exc.message, _request_id(request), version=_version(request))


async def _http_exception(request, exc):
    area = _area(request)
    status = exc.status_code
    if status == 404 and area != CONTROL:
        message = default_message(404)
    else:
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else default_message(status)
    return render(area, status, message, _request_id(request), version=_version(request))


async def _validation_error(request, exc):  # FastAPI's 422 must never leak
    return render(_area(request), 400, "Invalid request: %s" % exc.errors()[:1], _request_id(request))


def create_app(cloud, run_ticker=True):
    """Build the ASGI app serving ``cloud``; the ticker runs while the app's lifespan is active."""

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        ticker = Ticker(cloud) if run_ticker else None
        if ticker:
            ticker.start()
        try:
            yield
        finally:
            if ticker:
                ticker.stop()

    app = FastAPI(title="mock-compute", openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False,
                  lifespan=lifespan)
    app.state.cloud = cloud
    for module in ROUTERS:
        app.include_router(module.router)
    # FastAPI wraps included routers; keep the flat list of routes for counters and fault matching.
    app.state.route_table = [route for module in ROUTERS for route in module.router.routes]
    app.add_middleware(Pipeline)
    app.add_exception_handler(APIError, _api_error)
    app.add_exception_handler(ComputeError, _compute_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app

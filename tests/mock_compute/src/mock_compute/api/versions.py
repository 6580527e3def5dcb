"""Compute version discovery (no token): ``GET /``, ``/v2.1`` and ``/v2.1/``."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from mock_compute.api.context import get_cloud

router = APIRouter()
_UPDATED = "2013-07-23T11:33:21Z"


def _v21(base, max_version, with_media_types):
    doc = {"id": "v2.1",
           "links": [{"href": base + "/v2.1/", "rel": "self"}],
           "status": "CURRENT", "version": max_version, "min_version": "2.1", "updated": _UPDATED}
    if with_media_types:
        doc["links"].append({"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"})
        doc["media-types"] = [{"base": "application/json",
                               "type": "application/vnd.openstack.compute+json;version=2.1"}]
    return doc


@router.get("/")
async def root(request: Request):
    base = str(request.base_url).rstrip("/")
    v20 = {"id": "v2.0", "links": [{"href": base + "/v2/", "rel": "self"}], "status": "DEPRECATED",
           "version": "", "min_version": "", "updated": "2025-07-04T12:00:00Z"}
    return JSONResponse({"versions": [v20, _v21(base, get_cloud(request).config.max_microversion, False)]})


@router.get("/v2.1")
@router.get("/v2.1/")
async def v21(request: Request):
    base = str(request.base_url).rstrip("/")
    return JSONResponse({"version": _v21(base, get_cloud(request).config.max_microversion, True)})

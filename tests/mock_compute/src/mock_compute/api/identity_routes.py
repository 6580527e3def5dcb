"""Keystone v3 subset: discovery and ``/v3/auth/tokens`` (password and application_credential)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from mock_compute.api.context import get_cloud
from mock_compute.api.errors import APIError
from mock_compute.api.request import NO_BODY, read_json
from mock_compute.models.exceptions import AuthenticationFailed
from mock_compute.models.identity import DEFAULT_DOMAIN, stable_hex_id

router = APIRouter()
REGION = "RegionOne"


def _time(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _version_doc(base):
    return {"version": {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                        "links": [{"rel": "self", "href": base + "/v3/"}],
                        "media-types": [{"base": "application/json",
                                         "type": "application/vnd.openstack.identity-v3+json"}]}}


def catalog(base):
    """identity, compute and placement, all on this port, interface public, region RegionOne."""
    services = (("identity", "keystone", base + "/v3"), ("compute", "nova", base + "/v2.1"),
                ("placement", "placement", base + "/placement"))
    return [{"type": kind, "name": name, "id": stable_hex_id("service", kind),
             "endpoints": [{"id": stable_hex_id("endpoint", kind), "interface": "public", "region": REGION,
                            "region_id": REGION, "url": url}]}
            for kind, name, url in services]


def token_body(token, base, with_catalog=True):
    user = token.user
    body = {"methods": list(token.methods), "audit_ids": [token.audit_id], "expires_at": _time(token.expires_at),
            "issued_at": _time(token.issued_at),
            "user": {"id": user.id, "name": user.name, "domain": dict(DEFAULT_DOMAIN), "password_expires_at": None}}
    if token.project is not None:
        body["project"] = {"id": token.project.id, "name": token.project.name, "domain": dict(DEFAULT_DOMAIN)}
        body["is_domain"] = False
        body["roles"] = [{"id": role_id, "name": name} for role_id, name in token.roles]
        if with_catalog:
            body["catalog"] = catalog(base)
    if token.application_credential is not None:
        cred = token.application_credential
        body["application_credential"] = {"id": cred.id, "name": cred.name, "restricted": cred.restricted}
    return {"token": body}


def _base(request):
    return str(request.base_url).rstrip("/")


@router.get("/v3")
@router.get("/v3/")
async def discovery(request: Request):
    return JSONResponse(_version_doc(_base(request)))


def _parse_auth(body):
    """Return (kind, payload, scope) from a Keystone auth request or raise 400/401."""
    if not isinstance(body, dict) or not isinstance(body.get("auth"), dict):
        raise APIError(400, "Invalid input for field 'auth': 'auth' is a required property")
    auth = body["auth"]
    identity = auth.get("identity")
    if not isinstance(identity, dict) or not isinstance(identity.get("methods"), list) or not identity["methods"]:
        raise APIError(400, "Invalid input for field 'identity': 'methods' is a required property")
    scope = auth.get("scope")
    if scope is not None and not isinstance(scope, dict):
        raise APIError(400, "Invalid input for field 'scope': not an object")
    methods = identity["methods"]
    if "application_credential" in methods:
        payload = identity.get("application_credential")
        if not isinstance(payload, dict):
            raise APIError(400, "Invalid input for field 'application_credential': not an object")
        if scope:
            raise APIError(401, "Application credentials cannot request a scope.")
        return "application_credential", payload, None
    if "password" in methods:
        payload = identity.get("password")
        if not isinstance(payload, dict) or not isinstance(payload.get("user"), dict):
            raise APIError(400, "Invalid input for field 'password': 'user' is a required property")
        if scope and "project" not in scope:
            raise AuthenticationFailed()   # domain/system scopes: no role assignments there
        return "password", payload, (scope or {}).get("project")
    raise AuthenticationFailed()


@router.post("/v3/auth/tokens")
async def issue_token(request: Request):
    cloud = get_cloud(request)
    body = await read_json(request, cloud.config.max_body_bytes, malformed="The request body is not valid JSON.")
    if body is NO_BODY:
        raise APIError(400, "Expecting to find auth in request body.")
    try:
        kind, payload, scope = _parse_auth(body)
        if kind == "password":
            token = cloud.identity.authenticate_password(payload["user"], payload["user"].get("password"), scope)
        else:
            token = cloud.identity.authenticate_application_credential(payload)
    except AuthenticationFailed as exc:
        raise APIError(401, exc.message, headers={"WWW-Authenticate": 'Keystone uri="%s/v3"' % _base(request)}) \
            from exc
    with_catalog = "nocatalog" not in request.query_params
    return JSONResponse(token_body(token, _base(request), with_catalog), status_code=201,
                        headers={"X-Subject-Token": token.id, "Vary": "X-Auth-Token"})


def _subject(request):
    try:
        return get_cloud(request).identity.validate(request.headers.get("x-subject-token"))
    except AuthenticationFailed as exc:
        raise APIError(404, "Could not find token: %s." % request.headers.get("x-subject-token")) from exc


@router.get("/v3/auth/tokens")
async def validate_token(request: Request):
    token = _subject(request)
    return JSONResponse(token_body(token, _base(request)), headers={"X-Subject-Token": token.id})


@router.head("/v3/auth/tokens")
async def check_token(request: Request):
    _subject(request)
    return Response(status_code=200)


@router.delete("/v3/auth/tokens")
async def revoke_token(request: Request):
    token = _subject(request)
    get_cloud(request).identity.revoke(token.id)
    return Response(status_code=204)

"""Version discovery and microversion negotiation (no state)."""

import pytest

from conformance.harness import MAX_MICROVERSION

VERSION_HEADERS = ("OpenStack-API-Version", "X-OpenStack-Nova-API-Version", "Vary")


def _document(backend, path):
    reply = backend.anonymous(path)
    return {"status": reply.status, "body": backend.names.normalize(reply.body)}


@pytest.mark.parametrize(("name", "path"), [("versions.root", "/"), ("versions.v2.1", "/v2.1/"),
                                            ("versions.v2.1-noslash", "/v2.1")])
def test_version_documents(conformance, name, path):
    conformance.compare(name, _document, path)


def _negotiated(backend, value):
    headers = {"OpenStack-API-Version": "compute %s" % value} if value is not None else None
    reply = backend.call("GET", "/flavors", headers=headers)
    echoed = {h: reply.headers.get(h) for h in VERSION_HEADERS}
    body = reply.body if reply.status >= 400 else None
    return {"status": reply.status, "headers": echoed, "error": backend.names.normalize(body)}


@pytest.mark.parametrize(("name", "value"), [
    ("microversion.none", None), ("microversion.min", "2.1"), ("microversion.max", MAX_MICROVERSION),
    ("microversion.latest", "latest"), ("microversion.too-high", "2.200"), ("microversion.too-low", "2.0"),
    ("microversion.malformed", "2.x"), ("microversion.major-3", "3.0"),
])
def test_microversion_negotiation(conformance, name, value):
    conformance.compare(name, _negotiated, value)


def test_legacy_header(conformance):
    def observe(backend):
        reply = backend.call("GET", "/flavors", headers={"X-OpenStack-Nova-API-Version": "2.60"})
        return {"status": reply.status, "headers": {h: reply.headers.get(h) for h in VERSION_HEADERS}}
    conformance.compare("microversion.legacy-header", observe)


def test_gated_route_below_its_version(conformance):
    conformance.request("microversion.server-migrations-at-2.22", "GET", "/servers/{server:live-1}/migrations", mv="2.22")


def test_no_token(conformance):
    def observe(backend):
        reply = backend.anonymous("/v2.1/servers")
        return {"status": reply.status, "body": backend.names.normalize(reply.body),
                "www-authenticate": bool(reply.headers.get("WWW-Authenticate"))}
    conformance.compare("auth.no-token", observe)

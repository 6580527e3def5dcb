"""A minimal Keystone v3 stand-in and the token filter that replaces keystonemiddleware's auth_token in Nova.

The stand-in serves the version documents, ``POST /v3/auth/tokens`` (password and application credential),
token validation and revocation, and a catalog with identity, compute and placement on this port. Nova's
real ``NovaKeystoneContext`` and its default policies then see the same headers auth_token would set.
Tokens are opaque and live in memory; a literal ``user[:project]`` token (name or id) is accepted too,
which keeps curl sessions short. Plain WSGI and the standard library only.
"""

import dataclasses
import datetime
import json
import secrets
import threading

from nova_in_a_box.topology import stable_id

REGION = "RegionOne"
TOKEN_LIFETIME = datetime.timedelta(hours=12)
DOMAIN = {"id": "default", "name": "Default"}
# Headers keystonemiddleware removes from every incoming request before it sets its own.
_IDENTITY_HEADERS = (
    "X_IDENTITY_STATUS", "X_SERVICE_IDENTITY_STATUS", "X_DOMAIN_ID", "X_DOMAIN_NAME", "X_PROJECT_ID",
    "X_PROJECT_NAME", "X_PROJECT_DOMAIN_ID", "X_PROJECT_DOMAIN_NAME", "X_USER_ID", "X_USER_NAME",
    "X_USER_DOMAIN_ID", "X_USER_DOMAIN_NAME", "X_ROLES", "X_SERVICE_CATALOG", "X_IS_ADMIN_PROJECT",
    "X_SYSTEM_SCOPE", "X_TENANT_ID", "X_TENANT_NAME", "X_TENANT", "X_USER", "X_ROLE", "X_AUTH_USER",
    "X_AUTH_PROJECT_ID", "X_SERVICE_ROLES", "X_SERVICE_USER_ID", "X_SERVICE_PROJECT_ID",
)


@dataclasses.dataclass(frozen=True)
class Project:
    id: str
    name: str


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    name: str
    password: str
    project: Project
    roles: tuple


@dataclasses.dataclass(frozen=True)
class Token:
    id: str
    user: User
    project: Project
    roles: tuple
    methods: tuple
    issued_at: datetime.datetime
    expires_at: datetime.datetime
    audit_id: str
    application_credential: dict = None


class AuthenticationFailed(Exception):
    pass


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _time(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class IdentityStore:
    """Projects, users, application credentials and issued tokens (thread-safe)."""

    def __init__(self, topology):
        self.projects = {p["name"]: Project(p["id"], p["name"]) for p in topology["projects"]}
        self.users = {}
        for item in topology["users"]:
            self.users[item["name"]] = User(item["id"], item["name"], item["password"], self.projects[item["project"]],
                                            tuple(item["roles"]))
        self.app_creds = {c["id"]: c for c in topology["application_credentials"]}
        self._tokens = {}
        self._lock = threading.Lock()

    def renew_lock(self):
        """A lock of the concurrency backend Nova's release chose (see ControlPlane._renew_primitives)."""
        self._lock = threading.Lock()

    # lookups ----------------------------------------------------------------------------------------------------

    def user(self, ref):
        return self.users.get(ref) or next((u for u in self.users.values() if u.id == ref), None)

    def project(self, ref):
        return self.projects.get(ref) or next((p for p in self.projects.values() if p.id == ref), None)

    # tokens -----------------------------------------------------------------------------------------------------
    def issue(self, user, project, roles=None, methods=("password",), app_cred=None):
        now = _now()
        token = Token("niab-" + secrets.token_hex(20), user, project, tuple(roles or user.roles), tuple(methods), now,
                      now + TOKEN_LIFETIME, secrets.token_urlsafe(16)[:22], app_cred)
        with self._lock:
            self._tokens[token.id] = token
            if len(self._tokens) > 10000:       # a long rehearsal must not grow without bound
                expired = [t for t, v in self._tokens.items() if v.expires_at < now]
                for key in expired or list(self._tokens)[:5000]:
                    self._tokens.pop(key, None)
        return token

    def internal_token(self, user_name, project_name, roles):
        """A token for the harness's own API calls (never handed out by the Keystone stand-in).

        ``user_name`` None is the harness's own user ``nova-in-a-box``, which cannot log in.
        """
        own = User(stable_id("user", "nova-in-a-box"), "nova-in-a-box", "", None, tuple(roles))
        user = self.users[user_name] if user_name else own
        project = self.projects.get(project_name) or Project(stable_id("project", project_name), project_name)
        return self.issue(user, project, roles=roles, methods=("internal",)).id

    def validate(self, token_id):
        if not token_id:
            raise AuthenticationFailed()
        with self._lock:
            token = self._tokens.get(token_id)
        if token is not None:
            if token.expires_at < _now():
                raise AuthenticationFailed()
            return token
        # literal "user[:project]": the user's own project unless another one is named
        user_ref, _colon, project_ref = token_id.partition(":")
        user = self.user(user_ref)
        project = self.project(project_ref) if project_ref else (user.project if user else None)
        if user is None or project is None:
            raise AuthenticationFailed()
        now = _now()
        return Token(token_id, user, project, user.roles, ("token",), now, now + TOKEN_LIFETIME, "literal")

    def revoke(self, token_id):
        with self._lock:
            return self._tokens.pop(token_id, None) is not None

    # authentication ---------------------------------------------------------------------------------------------
    def authenticate_password(self, user_spec, password, scope):
        user = None
        if isinstance(user_spec.get("id"), str):
            user = self.user(user_spec["id"])
        elif isinstance(user_spec.get("name"), str):
            user = self.users.get(user_spec["name"])
            domain = user_spec.get("domain") or {}
            if domain and domain.get("id", "default") != "default" and domain.get("name", "Default") != "Default":
                user = None
        if user is None or not isinstance(password, str) or not secrets.compare_digest(password, user.password):
            raise AuthenticationFailed()
        project = user.project
        if scope:
            project = self.project(scope.get("id")) if scope.get("id") else self.projects.get(scope.get("name"))
            if project is None or project != user.project:
                raise AuthenticationFailed()        # role assignments exist on the user's own project only
        return self.issue(user, project)

    def authenticate_application_credential(self, spec):
        cred = self.app_creds.get(spec.get("id"))
        if cred is None and spec.get("name"):
            owner = spec.get("user") or {}
            owner_user = self.user(owner.get("id") or owner.get("name") or "")
            cred = next((c for c in self.app_creds.values() if c["name"] == spec["name"] and owner_user
                         and c["user"] == owner_user.name), None)
        if cred is None or not isinstance(spec.get("secret"), str) or \
                not secrets.compare_digest(spec["secret"], cred["secret"]):
            raise AuthenticationFailed()
        user = self.users[cred["user"]]
        roles = tuple(r for r in (cred.get("roles") or user.roles) if r in user.roles)
        return self.issue(user, user.project, roles=roles, methods=("application_credential",),
                          app_cred={"id": cred["id"], "name": cred["name"], "restricted": True})


# ---------------------------------------------------------------------------------------------------------------
# Keystone v3 stand-in (WSGI)
# ---------------------------------------------------------------------------------------------------------------
def _json_response(start_response, status, body, headers=()):
    data = b"" if body is None else json.dumps(body).encode("utf-8")
    head = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    head.extend(headers)
    start_response(status, head)
    return [data]


def _keystone_error(start_response, code, title, message, headers=()):
    status = "%d %s" % (code, title)
    return _json_response(start_response, status, {"error": {"code": code, "title": title, "message": message}},
                          headers)


def base_url(environ):
    host = environ.get("HTTP_HOST") or "%s:%s" % (environ["SERVER_NAME"], environ["SERVER_PORT"])
    return "%s://%s" % (environ.get("wsgi.url_scheme", "http"), host)


def catalog(base):
    services = (("identity", "keystone", base + "/v3"), ("compute", "nova", base + "/v2.1"),
                ("placement", "placement", base + "/placement"))
    return [{"type": kind, "name": name, "id": stable_id("service", kind),
             "endpoints": [{"id": stable_id("endpoint", kind), "interface": interface, "region": REGION,
                            "region_id": REGION, "url": url}
                           for interface in ("public", "internal", "admin")]}
            for kind, name, url in services]


def _version(base):
    return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": base + "/v3/"}],
            "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}


def _token_body(token, base, with_catalog=True):
    user = token.user
    body = {"methods": list(token.methods), "audit_ids": [token.audit_id], "expires_at": _time(token.expires_at),
            "issued_at": _time(token.issued_at),
            "user": {"id": user.id, "name": user.name, "domain": dict(DOMAIN), "password_expires_at": None},
            "project": {"id": token.project.id, "name": token.project.name, "domain": dict(DOMAIN)},
            "is_domain": False,
            "roles": [{"id": stable_id("role", role), "name": role} for role in token.roles]}
    if with_catalog:
        body["catalog"] = catalog(base)
    if token.application_credential is not None:
        body["application_credential"] = dict(token.application_credential)
    return {"token": body}


class KeystoneApp:
    """``/v3`` and below."""

    def __init__(self, store):
        self.store = store

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "").rstrip("/")
        base = base_url(environ)
        if path == "/v3" and method in ("GET", "HEAD"):
            return _json_response(start_response, "200 OK", {"version": _version(base)})
        if path == "/v3/auth/tokens":
            if method == "POST":
                return self._issue(environ, start_response, base)
            if method in ("GET", "HEAD", "DELETE"):
                return self._subject(environ, start_response, base, method)
            return _keystone_error(start_response, 405, "Method Not Allowed", "The method is not allowed.")
        return _keystone_error(start_response, 404, "Not Found",
                               "The resource could not be found (nova-in-a-box serves only tokens).")

    def _issue(self, environ, start_response, base):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"null") if length else None
        except (ValueError, UnicodeDecodeError):
            return _keystone_error(start_response, 400, "Bad Request", "The request body is not valid JSON.")
        auth = body.get("auth") if isinstance(body, dict) else None
        identity = auth.get("identity") if isinstance(auth, dict) else None
        methods = identity.get("methods") if isinstance(identity, dict) else None
        if not isinstance(methods, list) or not methods:
            return _keystone_error(start_response, 400, "Bad Request", "Expecting to find auth in request body.")
        scope = auth.get("scope")
        try:
            if "application_credential" in methods:
                if scope:
                    raise AuthenticationFailed()
                token = self.store.authenticate_application_credential(identity.get("application_credential") or {})
            elif "password" in methods:
                spec = (identity.get("password") or {}).get("user")
                if not isinstance(spec, dict) or (scope and "project" not in scope):
                    raise AuthenticationFailed()
                token = self.store.authenticate_password(spec, spec.get("password"),
                                                         (scope or {}).get("project"))
            else:
                raise AuthenticationFailed()
        except AuthenticationFailed:
            return _keystone_error(start_response, 401, "Unauthorized",
                                   "The request you have made requires authentication.",
                                   [("WWW-Authenticate", 'Keystone uri="%s/v3"' % base)])
        with_catalog = "nocatalog" not in environ.get("QUERY_STRING", "")
        return _json_response(start_response, "201 Created", _token_body(token, base, with_catalog),
                              [("X-Subject-Token", token.id), ("Vary", "X-Auth-Token")])

    def _subject(self, environ, start_response, base, method):
        try:
            self.store.validate(environ.get("HTTP_X_AUTH_TOKEN"))
            subject = environ.get("HTTP_X_SUBJECT_TOKEN")
            token = self.store.validate(subject)
        except AuthenticationFailed:
            return _keystone_error(start_response, 404, "Not Found", "Could not find token.")
        if method == "DELETE":
            self.store.revoke(token.id)
            start_response("204 No Content", [])
            return [b""]
        if method == "HEAD":
            start_response("200 OK", [("X-Subject-Token", token.id)])
            return [b""]
        return _json_response(start_response, "200 OK", _token_body(token, base), [("X-Subject-Token", token.id)])


# ---------------------------------------------------------------------------------------------------------------
# auth_token replacement for Nova's paste pipeline
# ---------------------------------------------------------------------------------------------------------------
class TokenAuthMiddleware:
    """Sets the headers keystonemiddleware's auth_token would set, from this process's tokens."""

    def __init__(self, app, store):
        self.app = app
        self.store = store

    def __call__(self, environ, start_response):
        for name in _IDENTITY_HEADERS:
            environ.pop("HTTP_" + name, None)
        try:
            token = self.store.validate(environ.get("HTTP_X_AUTH_TOKEN"))
        except AuthenticationFailed:
            return _keystone_error(start_response, 401, "Unauthorized",
                                   "The request you have made requires authentication.",
                                   [("WWW-Authenticate", 'Keystone uri="%s/v3"' % base_url(environ))])
        environ.update({
            "HTTP_X_IDENTITY_STATUS": "Confirmed",
            "HTTP_X_USER_ID": token.user.id, "HTTP_X_USER_NAME": token.user.name,
            "HTTP_X_USER_DOMAIN_ID": DOMAIN["id"], "HTTP_X_USER_DOMAIN_NAME": DOMAIN["name"],
            "HTTP_X_PROJECT_ID": token.project.id, "HTTP_X_PROJECT_NAME": token.project.name,
            "HTTP_X_PROJECT_DOMAIN_ID": DOMAIN["id"], "HTTP_X_PROJECT_DOMAIN_NAME": DOMAIN["name"],
            "HTTP_X_ROLES": ",".join(token.roles),
        })
        return self.app(environ, start_response)


class PlacementAuthMiddleware:
    """In front of Placement (auth_strategy noauth2): this process's tokens become the user:project token and the
    roles noauth2 reads, so Placement's default policies see the caller's real roles. Nova's own report client
    sends ``service_token`` (a secret of this process), which becomes noauth2's admin."""

    def __init__(self, app, store, service_token):
        self.app = app
        self.store = store
        self.service_token = service_token

    def __call__(self, environ, start_response):
        for name in _IDENTITY_HEADERS:
            environ.pop("HTTP_" + name, None)
        token_id = environ.get("HTTP_X_AUTH_TOKEN")
        if environ.get("PATH_INFO", "/") in ("", "/"):
            return self.app(environ, start_response)
        if token_id and secrets.compare_digest(token_id, self.service_token):
            environ["HTTP_X_AUTH_TOKEN"] = "admin"
            environ["HTTP_X_ROLES"] = "admin,member,reader"
            return self.app(environ, start_response)
        try:
            token = self.store.validate(token_id)
        except AuthenticationFailed:
            return _keystone_error(start_response, 401, "Unauthorized",
                                   "The request you have made requires authentication.",
                                   [("WWW-Authenticate", 'Keystone uri="%s/v3"' % base_url(environ))])
        environ["HTTP_X_AUTH_TOKEN"] = "%s:%s" % (token.user.id, token.project.id)
        environ["HTTP_X_ROLES"] = ",".join(token.roles)
        return self.app(environ, start_response)


def auth_filter_factory(store):
    """A paste ``filter_factory`` with the signature of ``keystonemiddleware.auth_token.filter_factory``."""

    def filter_factory(global_conf, **local_conf):   # paste's calling convention
        def wrap(app):
            return TokenAuthMiddleware(app, store)
        return wrap

    return filter_factory

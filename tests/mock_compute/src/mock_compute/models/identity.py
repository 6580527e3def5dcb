"""Keystone subset: projects, users, role assignments, application credentials, tokens."""

import dataclasses
import datetime
import secrets
import uuid

from mock_compute.models import clock
from mock_compute.models.exceptions import AuthenticationFailed

DEFAULT_DOMAIN = {"id": "default", "name": "Default"}
TOKEN_LIFETIME = datetime.timedelta(hours=24)   # keystoneauth re-authenticates when < 2 min remain
_ID_NAMESPACE = uuid.UUID("6b1d2c1a-6d1e-4c52-9a61-2f0c3e5f6a70")


def stable_hex_id(kind, name):
    """Keystone-style 32-hex id derived from a name, so ids survive a reset or restart."""
    return uuid.uuid5(_ID_NAMESPACE, "%s:%s" % (kind, name)).hex


@dataclasses.dataclass
class Project:
    id: str
    name: str


@dataclasses.dataclass
class User:
    id: str
    name: str
    password: str
    project_id: str
    roles: tuple


@dataclasses.dataclass
class ApplicationCredential:
    id: str
    name: str
    secret: str
    user_id: str
    project_id: str
    roles: tuple
    restricted: bool = True


@dataclasses.dataclass
class Token:
    id: str
    user: User
    project: Project        # None for an unscoped token
    roles: tuple            # ((role_id, role_name), ...)
    methods: tuple
    issued_at: object
    expires_at: object
    audit_id: str
    application_credential: ApplicationCredential = None

    @property
    def role_names(self):
        return tuple(name for _ignored, name in self.roles)


class IdentityStore:
    """Holds the identity part of a topology plus the tokens issued so far.

    Tokens deliberately survive a control-API reset: long-lived test clients
    keep working across ``POST /mock/reset``.
    """

    def __init__(self):
        self.projects = {}            # id -> Project
        self.users = {}               # id -> User
        self.app_credentials = {}     # id -> ApplicationCredential
        self.role_ids = {}            # role name -> id
        self._tokens = {}

    def load(self, projects, users, app_credentials):
        self.projects = {p.id: p for p in projects}
        self.users = {u.id: u for u in users}
        self.app_credentials = {a.id: a for a in app_credentials}
        names = {role for u in users for role in u.roles} | {role for a in app_credentials for role in a.roles}
        self.role_ids = {name: stable_hex_id("role", name) for name in sorted(names)}

    # lookups -------------------------------------------------------------
    def project_by_name(self, name):
        return next((p for p in self.projects.values() if p.name == name), None)

    def user_by_name(self, name):
        return next((u for u in self.users.values() if u.name == name), None)

    def _resolve_user(self, ref):
        if not isinstance(ref, dict):
            return None
        if ref.get("id") is not None:
            return self.users.get(ref.get("id"))
        if ref.get("name") is not None:
            domain = ref.get("domain")
            if not isinstance(domain, dict) or not (domain.get("id") in ("default", DEFAULT_DOMAIN["id"])
                                                    or domain.get("name") == DEFAULT_DOMAIN["name"]):
                return None
            return self.user_by_name(ref.get("name"))
        return None

    def _resolve_project(self, ref):
        if not isinstance(ref, dict):
            return None
        if ref.get("id") is not None:
            return self.projects.get(ref.get("id"))
        if ref.get("name") is not None:
            return self.project_by_name(ref.get("name"))
        return None

    # authentication --------------------------------------------------------
    def _issue(self, user, project, role_names, methods, app_cred=None):
        now = clock.utcnow()
        token = Token(
            id="gAAAAA" + secrets.token_urlsafe(48),
            user=user, project=project,
            roles=tuple((self.role_ids[name], name) for name in role_names),
            methods=tuple(methods), issued_at=now, expires_at=now + TOKEN_LIFETIME,
            audit_id=secrets.token_urlsafe(16)[:22], application_credential=app_cred,
        )
        self._tokens[token.id] = token
        return token

    def authenticate_password(self, user_ref, password, scope):
        """``scope`` is None (unscoped) or a project reference dict."""
        user = self._resolve_user(user_ref)
        if user is None or not isinstance(password, str) or not secrets.compare_digest(user.password, password):
            raise AuthenticationFailed()
        if scope is None:
            return self._issue(user, None, (), ["password"])
        project = self._resolve_project(scope)
        # Role assignments: a user holds its roles on its own project only.
        if project is None or project.id != user.project_id:
            raise AuthenticationFailed()
        return self._issue(user, project, user.roles, ["password"])

    def authenticate_application_credential(self, ref):
        if not isinstance(ref, dict) or not isinstance(ref.get("secret"), str):
            raise AuthenticationFailed()
        cred = None
        if ref.get("id") is not None:
            cred = self.app_credentials.get(ref.get("id"))
        elif ref.get("name") is not None:
            user = self._resolve_user(ref.get("user"))
            if user is not None:
                cred = next((a for a in self.app_credentials.values()
                             if a.name == ref.get("name") and a.user_id == user.id), None)
        if cred is None or not secrets.compare_digest(cred.secret, ref["secret"]):
            raise AuthenticationFailed()
        user = self.users.get(cred.user_id)
        project = self.projects.get(cred.project_id)
        if user is None or project is None:
            raise AuthenticationFailed()
        return self._issue(user, project, cred.roles, ["application_credential"], app_cred=cred)

    def validate(self, token_id):
        """Return the live token or raise ``AuthenticationFailed``."""
        token = self._tokens.get(token_id) if isinstance(token_id, str) else None
        if token is None or token.expires_at <= clock.utcnow():
            raise AuthenticationFailed()
        return token

    def revoke(self, token_id):
        self._tokens.pop(token_id, None)

    def snapshot(self):
        return {
            "projects": [dataclasses.asdict(p) for p in self.projects.values()],
            "users": [{"id": u.id, "name": u.name, "project_id": u.project_id, "roles": list(u.roles)}
                      for u in self.users.values()],
            "application_credentials": [{"id": a.id, "name": a.name, "user_id": a.user_id,
                                         "project_id": a.project_id, "roles": list(a.roles)}
                                        for a in self.app_credentials.values()],
        }

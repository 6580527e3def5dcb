"""Per-request context: the authenticated caller plus the negotiated microversion."""

import dataclasses

from mock_compute.api.errors import APIError
from mock_compute.models.compute_api import Actor


@dataclasses.dataclass
class RequestContext:
    request_id: str
    token: object = None          # models.identity.Token
    version: tuple = None         # negotiated microversion (compute or placement)

    @property
    def user_id(self):
        return self.token.user.id

    @property
    def project_id(self):
        return self.token.project.id if self.token.project else None

    @property
    def roles(self):
        return self.token.role_names

    @property
    def is_admin(self):
        return "admin" in self.roles

    def supports(self, version):
        """Nova's ``api_version_request.is_supported``."""
        return self.version >= version

    def require(self, version):
        """Gate a method on a minimum microversion (Nova answers 404 below it)."""
        if self.version < version:
            raise APIError(404, "The resource could not be found.")

    def actor(self):
        return Actor(user_id=self.user_id, project_id=self.project_id, is_admin=self.is_admin,
                     request_id=self.request_id, roles=self.roles)


def get_context(request):
    return request.state.ctx


def get_cloud(request):
    return request.app.state.cloud

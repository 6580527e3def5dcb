# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

import pytest
from ansible_collections.novaops.migration.plugins.module_utils import api as api_mod
from ansible_collections.novaops.migration.plugins.module_utils import connection, error_report
from ansible_collections.novaops.migration.plugins.module_utils import servers as srv
from ansible_collections.novaops.migration.plugins.module_utils.errors import (
    AmbiguousResource,
    NovaOpsError,
    ResourceNotFound,
    ValidationError,
)
from ansible_collections.novaops.migration.plugins.module_utils.microversion import ComputeVersions
from ansible_collections.novaops.migration.tests.unit import sdk_fake
from openstack import exceptions as sdk_exceptions

UUID1 = '11111111-2222-3333-4444-555555555555'


class HttpError(Exception):
    def __init__(self, status, details='boom', method='GET', url='http://nova/v2.1/x', headers=None):
        super(HttpError, self).__init__(details)
        self.status_code = status
        self.details = details
        self.method = method
        self.url = url
        self.response = type('R', (), {'headers': headers or {}})()


# Pretend to be an openstacksdk exception for describe_exception's duck typing.
HttpError.__module__ = 'openstack.exceptions'


class ScriptedApi(api_mod.RestClient):
    """The RestClient the modules pass around, over a real openstacksdk proxy whose HTTP answers come from
    ``{path or (path, sorted params): body or sdk_fake.HttpError}``; ``calls`` lists ``(path, params)``."""

    def __init__(self, answers, versions=None):
        self.nova = sdk_fake.Scripted(answers, versions or ComputeVersions((2, 1), (2, 96)))
        super(ScriptedApi, self).__init__(sdk_fake.connect(self.nova).compute)

    @property
    def calls(self):
        return [(path, params or {}) for _method, path, _mv, params, _json in self.nova.calls]


def nova_server(sid, name, **kw):
    body = {'id': sid, 'name': name, 'status': 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'compute-1',
            'OS-EXT-STS:vm_state': 'active', 'OS-EXT-STS:task_state': None, 'OS-EXT-STS:power_state': 1,
            'tenant_id': 'p1', 'locked': False, 'OS-EXT-AZ:availability_zone': 'nova'}
    body.update(kw)
    return body


# ----- servers -------------------------------------------------------------------

def test_view_from_api_maps_extended_attributes():
    view = srv.view_from_api(nova_server(UUID1, 'web', status='verify_resize', pinned_availability_zone='nova',
                                         fault={'message': 'No valid host', 'code': 500},
                                         flavor={'vcpus': 2, 'ram': 512, 'disk': 1, 'original_name': 'm1',
                                                 'extra_specs': {'resources:VGPU': '1'}}))
    assert view.status == 'VERIFY_RESIZE'
    assert view.host == 'compute-1' and view.project_id == 'p1' and view.power_state == 1
    assert view.pinned_availability_zone == 'nova'
    assert view.fault == 'No valid host'
    # The extra specs stay: they tell whether the server can move live.
    assert view.flavor == {'vcpus': 2, 'ram': 512, 'disk': 1, 'original_name': 'm1',
                           'extra_specs': {'resources:VGPU': '1'}}
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.host = 'x'  # frozen


@pytest.mark.filterwarnings('ignore::PendingDeprecationWarning')  # openstacksdk's own Resource internals
@pytest.mark.parametrize('body', [
    nova_server(UUID1, 'web', status='verify_resize', pinned_availability_zone='nova', locked_reason='maint',
                fault={'message': 'No valid host', 'code': 500}, user_id='u1', locked=True,
                flavor={'vcpus': 2, 'ram': 512, 'disk': 1, 'original_name': 'm1', 'ephemeral': 0, 'swap': 0,
                        'extra_specs': {}}),
    # below 2.47 the flavor is a reference; below 2.96 no pinned AZ; a member sees no extended attributes
    {'id': UUID1, 'name': 'web', 'status': 'ACTIVE', 'tenant_id': 'p1', 'flavor': {'id': '1', 'links': []}},
    {'id': UUID1},
])
def test_view_from_sdk_matches_view_from_api(body):
    from openstack.compute.v2.server import Server
    assert srv.view_from_sdk(Server.existing(**body)) == srv.view_from_api(body)
    assert srv.view_from_sdk(Server.existing(**body)).flavor == srv.view_from_api(body).flavor
    assert api_mod.nova_body(Server.existing(**body)) == body


def test_find_by_id_is_one_request():
    api = ScriptedApi({'/servers/' + UUID1: {'server': nova_server(UUID1, 'web')}})
    assert srv.find_server(api.adapter, UUID1, '2.96').name == 'web'
    assert len(api.calls) == 1


def test_find_by_name_exact_across_projects():
    api = ScriptedApi({'/servers/detail': {'servers': [nova_server('a', 'web-1'), nova_server('b', 'web-10')]}})
    assert srv.find_server(api.adapter, 'web-1', '2.96').id == 'a'
    assert api.calls[0][1] == {'name': 'web-1', 'all_tenants': 'True'}


def test_find_by_name_ambiguous_lists_ids():
    api = ScriptedApi({'/servers/detail': {'servers': [nova_server('b', 'web'), nova_server('a', 'web')]}})
    with pytest.raises(AmbiguousResource) as err:
        srv.find_server(api.adapter, 'web', '2.96')
    assert err.value.data['matching_ids'] == ['a', 'b']
    assert 'a, b' in err.value.msg


def test_find_missing_raises_or_returns_none():
    api = ScriptedApi({'/servers/detail': {'servers': [nova_server('a', 'web-10')]},
                       '/servers/' + UUID1: sdk_fake.HttpError(404)})
    with pytest.raises(ResourceNotFound):
        srv.find_server(api.adapter, 'web-1', '2.96')
    assert srv.find_server(api.adapter, UUID1, '2.96', ignore_missing=True) is None


def test_non_admin_falls_back_to_own_project_on_403():
    forbidden = ('/servers/detail', (('all_tenants', 'True'), ('name', 'web')))
    own = ('/servers/detail', (('name', 'web'),))
    api = ScriptedApi({forbidden: sdk_fake.HttpError(403), own: {'servers': [nova_server('a', 'web')]}})
    assert srv.find_server(api.adapter, 'web', '2.96').id == 'a'
    assert [c[1] for c in api.calls] == [{'name': 'web', 'all_tenants': 'True'}, {'name': 'web'}]


def test_list_servers_sends_novas_host_filter():
    # openstacksdk knows Nova's "host" filter as compute_host (unknown names would be dropped or filtered locally).
    api = ScriptedApi({'/servers/detail': {'servers': [nova_server('a', 'web')]}})
    assert srv.list_servers(api.adapter, '2.96', {'host': 'compute-1'}) == [nova_server('a', 'web')]
    assert api.calls == [('/servers/detail', {'host': 'compute-1', 'all_tenants': 'True'})]
    assert api.nova.calls[0][2] == '2.96'


def test_other_errors_propagate():
    api = ScriptedApi({'/servers/detail': sdk_fake.HttpError(500, 'Unexpected API Error.')})
    with pytest.raises(sdk_exceptions.HttpException) as err:
        srv.find_server(api.adapter, 'web', '2.96')
    assert err.value.status_code == 500
    msg, data = error_report.describe_exception(err.value, 'looking up the server')
    assert msg.startswith('Failed while looking up the server: HTTP 500 from GET http://nova.test/v2.1/servers/detail?')
    assert 'Unexpected API Error.' in msg and 'req-fake' in msg and data['http_status'] == 500


def test_name_query_escapes_only_regex_names():
    assert srv.name_query('web-1') == 'web-1'
    assert srv.name_query('web.1') == r'web\.1'
    assert srv.looks_like_uuid(UUID1) and not srv.looks_like_uuid('web-1')


# ----- api -------------------------------------------------------------------------

def test_encode_query():
    assert api_mod.encode_query({'b': None, 'a': True, 'c': ['x', 'y'], 'd': '2026-01-01T00:00:00+00:00'}) == \
        'a=True&c=x&c=y&d=2026-01-01T00%3A00%3A00%2B00%3A00'
    assert api_mod.encode_query({}) == ''


def test_next_marker():
    body = {'migrations_links': [{'rel': 'next', 'href': 'http://h/v2.1/os-migrations?limit=2&marker=abc'}]}
    assert api_mod.next_marker(body, 'migrations_links') == 'abc'
    assert api_mod.next_marker({}, 'migrations_links') is None


class FakeResponse(object):
    def __init__(self, body, status=200):
        import json
        self._body = body
        self.status_code = status
        self.content = json.dumps(body).encode() if body is not None else b''

    def json(self):
        return self._body


class FakeAdapter(object):
    def __init__(self, pages):
        self.pages = pages
        self.urls = []

    def request(self, url, method, **kwargs):
        self.urls.append((method, url, kwargs))
        return FakeResponse(self.pages.pop(0))


def page(ids, marker=None):
    body = {'migrations': [{'id': i} for i in ids]}
    if marker:
        body['migrations_links'] = [{'rel': 'next', 'href': 'http://x/os-migrations?marker=%s' % marker}]
    return body


def test_get_all_follows_pages_to_the_end():
    adapter = FakeAdapter([page([1, 2], 'm2'), page([3], None)])
    client = api_mod.RestClient(adapter, raise_from_response=lambda r: None)
    items = client.get_all('/os-migrations', 'migrations', microversion='2.59', params={'host': 'c1'})
    assert [i['id'] for i in items] == [1, 2, 3]
    assert adapter.urls[1][1] == '/os-migrations?host=c1&marker=m2'
    assert adapter.urls[0][2] == {'microversion': '2.59'}
    assert client.count == 2


def test_get_all_stops_at_limit_and_on_repeated_marker():
    adapter = FakeAdapter([page([1, 2], 'm'), page([3, 4], 'm2')])
    client = api_mod.RestClient(adapter, raise_from_response=lambda r: None)
    assert [i['id'] for i in client.get_all('/os-migrations', 'migrations', limit=3)] == [1, 2, 3]
    adapter = FakeAdapter([page([1], 'm'), page([2], 'm'), page([3], None)])
    client = api_mod.RestClient(adapter, raise_from_response=lambda r: None)
    assert [i['id'] for i in client.get_all('/os-migrations', 'migrations')] == [1, 2]


def test_sdk_action_turns_sdk_argument_checks_into_validation_errors():
    def migrate_server(server, host=None):
        raise ValueError("The 'host' option is only supported on microversion 2.56 or greater.")
    with pytest.raises(ValidationError) as err:
        api_mod.sdk_action(migrate_server, 'x', host='h')
    assert 'openstacksdk refused the request before sending it' in err.value.msg and '2.56' in err.value.msg
    assert api_mod.sdk_action(lambda server: server, 'x') == 'x'


def test_request_raises_through_raiser_and_handles_empty_body():
    seen = []

    def raiser(response):
        seen.append(response.status_code)
        if response.status_code >= 400:
            raise HttpError(response.status_code)

    client = api_mod.RestClient(FakeAdapter([None]), raise_from_response=raiser)
    assert client.post('/servers/x/action', json={'migrate': None}, microversion='2.56') is None
    client = api_mod.RestClient(type('A', (), {'request': lambda self, u, m, **k: FakeResponse({'x': 1}, 409)})(),
                                raise_from_response=raiser)
    with pytest.raises(HttpError):
        client.get('/x')


# ----- base ----------------------------------------------------------------------------

def test_connect_kwargs_maps_openstack_cloud_names():
    params = dict(cloud='mock-admin', validate_certs=False, ca_cert='/ca', client_cert='/c', client_key='/k',
                  api_timeout=30, interface='internal', region_name='R1', auth=None, auth_type=None)
    assert connection.connect_kwargs(params) == dict(cloud='mock-admin', verify=False, cacert='/ca', cert='/c', key='/k',
                                                     api_timeout=30, interface='internal', region_name='R1')


def test_connect_kwargs_dict_cloud_excludes_other_options():
    cfg = {'auth': {'auth_url': 'http://k/v3'}}
    assert connection.connect_kwargs(dict(cloud=cfg, interface='public')) == cfg
    with pytest.raises(NovaOpsError) as err:
        connection.connect_kwargs(dict(cloud=cfg, region_name='R1', interface='admin'))
    assert 'region_name' in err.value.msg and 'interface' in err.value.msg


def test_describe_http_error_has_status_message_request_id_and_hint():
    exc = HttpError(409, "Cannot 'migrate' instance x while it is in task_state migrating", method='POST',
                    headers={'x-compute-request-id': 'req-123'})
    msg, data = error_report.describe_exception(exc, 'starting the cold migration')
    assert msg.startswith('Failed while starting the cold migration: HTTP 409 from POST')
    assert "Cannot 'migrate'" in msg and 'req-123' in msg and 'retry' in msg
    assert data['http_status'] == 409 and data['request_id'] == 'req-123'


def test_describe_409_service_down_points_to_the_compute_service_not_the_server():
    msg, _data = error_report.describe_exception(HttpError(409, 'Service is unavailable at this time.'), 'starting the cold migration')
    assert 'nova-compute service' in msg and 'busy' not in msg


def test_describe_403_points_to_admin_role():
    msg, _data = error_report.describe_exception(HttpError(403, 'Policy does not allow'))
    assert 'admin role' in msg


def test_describe_own_errors_keep_message_and_data():
    msg, data = error_report.describe_exception(ValidationError('bad host', compute_hosts=['a']), 'x')
    assert msg == 'Failed while x: bad host'
    assert data == {'compute_hosts': ['a']}


def test_describe_keystoneauth_connect_failure():
    cls = type('ConnectFailure', (Exception,), {'__module__': 'keystoneauth1.exceptions.connection'})
    msg, data = error_report.describe_exception(cls('refused'))
    assert 'auth_url' in msg and data['error_type'] == 'ConnectFailure'


def test_describe_unknown_exception_is_reported_as_bug():
    msg, data = error_report.describe_exception(KeyError('status'))
    assert 'bug' in msg and 'exception' in data

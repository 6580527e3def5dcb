"""Shapes the fresh cloud after the topology, through the compute API only (as an operator would).

Zones become aggregates with an availability zone, flavors are replaced, server groups are created by their user,
servers are booted onto their host with the 2.74 ``host`` field (not pinned to a zone unless the topology says so; a
group's members with its ``group`` scheduler hint, so the scheduler's group filters check them), then stopped,
paused, suspended, rescued, reset to ERROR or shelved, locked, and finally hosts are disabled, forced down or have
their heartbeat stopped.
"""

import concurrent.futures
import faulthandler
import http.client
import json
import sys
import time
import urllib.parse

BOOT_TIMEOUT = 120.0
REQUEST_TIMEOUT = 60.0
ACTION_TIMEOUT = 60.0
TARGET_STATUS = {"SHUTOFF": ("os-stop", None), "PAUSED": ("pause", None), "SUSPENDED": ("suspend", None),
                 "RESCUE": ("rescue", {}), "ERROR": ("os-resetState", {"state": "error"}),
                 "SHELVED_OFFLOADED": ("shelve", None)}


class SeedError(RuntimeError):
    pass


class ApiClient:
    """A tiny JSON client for this process's own compute API (no keystoneauth, no retries)."""

    def __init__(self, url, token):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.token = token

    def call(self, method, path, body=None, microversion="2.1", token=None, expect=(200, 201, 202, 204)):
        headers = {"X-Auth-Token": token or self.token, "Accept": "application/json",
                   "OpenStack-API-Version": "compute %s" % microversion}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, "/v2.1" + path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except TimeoutError as exc:
            faulthandler.dump_traceback(file=sys.__stderr__, all_threads=True)
            raise SeedError("%s %s did not answer within %.0f s (every thread's stack is above)"
                            % (method, path, REQUEST_TIMEOUT)) from exc
        finally:
            connection.close()
        payload = json.loads(raw) if raw else None
        if expect and response.status not in expect:
            text = raw.decode("utf-8", "replace")[:500]
            raise SeedError("%s %s answered %d: %s" % (method, path, response.status, text))
        return payload


class Seeder:
    def __init__(self, plane):
        self.plane = plane
        self.topology = plane.topology
        self._identity = plane.identity
        admin_project = next((u["project"] for u in self.topology["users"] if "admin" in u["roles"]),
                             self.topology["projects"][0]["name"])
        self.api = ApiClient(plane.url, self._token_for(None, admin_project))
        self.groups = {}      # server group name -> id

    def _token_for(self, user_name, project_name, roles=("admin", "member", "reader")):
        """Internal token: the topology user (None: the harness's own user) with these roles, in that project."""
        return self._identity.internal_token(user_name, project_name, roles)

    def run(self):
        self._aggregates()
        self._flavors()
        self._server_groups()
        servers = self._servers()
        self._hosts()
        return servers

    # zones and flavors ------------------------------------------------------------------------------------------
    def _aggregates(self):
        """The topology's aggregates (one per zone other than the default first), before any server boots."""
        for spec in self.topology["aggregates"]:
            body = {"name": spec["name"]}
            if spec["zone"]:
                body["availability_zone"] = spec["zone"]
            aggregate = self.api.call("POST", "/os-aggregates", {"aggregate": body})["aggregate"]["id"]
            if spec["metadata"]:
                self.api.call("POST", "/os-aggregates/%s/action" % aggregate,
                              {"set_metadata": {"metadata": spec["metadata"]}})
            for host in spec["hosts"]:
                self.api.call("POST", "/os-aggregates/%s/action" % aggregate, {"add_host": {"host": host}})

    def _flavors(self):
        body = self.api.call("GET", "/flavors/detail?is_public=None", microversion="2.61")
        existing = {f["id"]: f for f in body["flavors"]}
        wanted = {f["id"]: f for f in self.topology["flavors"]}
        for flavor_id, current in existing.items():
            spec = wanted.get(flavor_id)
            same = spec is not None and (current["name"], current["vcpus"], current["ram"], current["disk"],
                                         current.get("OS-FLV-EXT-DATA:ephemeral", 0), current["swap"] or 0) == \
                (spec["name"], spec["vcpus"], spec["ram"], spec["disk"], spec["ephemeral"], spec["swap"])
            if same and (current.get("extra_specs") or {}) == spec["extra_specs"]:
                wanted.pop(flavor_id)
            else:
                self.api.call("DELETE", "/flavors/%s" % urllib.parse.quote(flavor_id, safe=""))
        for spec in wanted.values():
            body = {"flavor": {"name": spec["name"], "id": spec["id"], "vcpus": spec["vcpus"], "ram": spec["ram"],
                               "disk": spec["disk"], "OS-FLV-EXT-DATA:ephemeral": spec["ephemeral"],
                               "swap": spec["swap"], "os-flavor-access:is_public": True}}
            if spec.get("description"):
                body["flavor"]["description"] = spec["description"]
            self.api.call("POST", "/flavors", body, microversion="2.55")
            if spec["extra_specs"]:
                self.api.call("POST", "/flavors/%s/os-extra_specs" % urllib.parse.quote(spec["id"], safe=""),
                              {"extra_specs": spec["extra_specs"]})

    def _server_groups(self):
        for group in self.topology.get("server_groups") or ():
            body = {"name": group["name"], "policy": group["policy"]}
            if group["rules"]:
                body["rules"] = group["rules"]
            token = self._token_for(group["user"], group["project"])
            created = self.api.call("POST", "/os-server-groups", {"server_group": body}, microversion="2.64",
                                    token=token)
            self.groups[group["name"]] = created["server_group"]["id"]

    # servers ----------------------------------------------------------------------------------------------------
    def _servers(self):
        def boot(server):
            body = {"name": server["name"], "imageRef": server["image"], "flavorRef": server["flavor"],
                    "networks": "none", "host": server["host"], "metadata": server["metadata"]}
            if server.get("availability_zone"):
                body["availability_zone"] = server["availability_zone"]
            if server.get("description"):
                body["description"] = server["description"]
            request = {"server": body}
            if server.get("group"):
                request["os:scheduler_hints"] = {"group": self.groups[server["group"]]}
            token = self._token_for(server["user"], server["project"])
            created = self.api.call("POST", "/servers", request, microversion="2.74", token=token)
            return server["name"], created["server"]["id"]

        # a few requests at a time: the API is CPU-bound and the databases take one writer at a time
        with concurrent.futures.ThreadPoolExecutor(max_workers=3, thread_name_prefix="niab-seed") as pool:
            ids = dict(pool.map(boot, self.topology["servers"]))
        self._wait({ids[s["name"]]: "ACTIVE" for s in self.topology["servers"]}, BOOT_TIMEOUT, "boot")
        targets = {}
        for server in self.topology["servers"]:
            action = TARGET_STATUS.get(server["status"])
            if action is None:
                continue
            name, argument = action
            self.api.call("POST", "/servers/%s/action" % ids[server["name"]], {name: argument})
            targets[ids[server["name"]]] = server["status"]
        self._wait(targets, ACTION_TIMEOUT, "state change")
        for server in self.topology["servers"]:
            if not server["locked"]:
                continue
            if server["locked"] == "owner":
                token = self._token_for(server["user"], server["project"], roles=("member", "reader"))
            else:     # an admin of another project: Nova records locked_by 'admin'
                token = self._token_for(None, "nova-in-a-box-operators")
            body = {"lock": {"locked_reason": server["locked_reason"]} if server.get("locked_reason") else None}
            self.api.call("POST", "/servers/%s/action" % ids[server["name"]], body, microversion="2.73", token=token)
        return ids

    def _wait(self, targets, timeout, what):
        deadline = time.monotonic() + timeout
        pending = dict(targets)
        while pending:
            body = self.api.call("GET", "/servers/detail?all_tenants=1")   # 2.1: every release has it
            by_id = {s["id"]: s for s in body["servers"]}
            for server_id, status in list(pending.items()):
                server = by_id.get(server_id)
                if server is None:
                    continue
                if server["status"] == status and not server.get("OS-EXT-STS:task_state"):
                    pending.pop(server_id)
                elif server["status"] == "ERROR" and status != "ERROR":
                    fault = (server.get("fault") or {}).get("message", "no fault recorded")
                    raise SeedError("server %s went to ERROR during %s: %s" % (server["name"], what, fault))
            if not pending:
                return
            if time.monotonic() > deadline:
                names = sorted("%s (%s, wanted %s)" % (by_id[i]["name"], by_id[i]["status"], s)
                               for i, s in pending.items() if i in by_id)
                raise SeedError("%s did not finish within %.0f s: %s" % (what, timeout, ", ".join(names)))
            time.sleep(0.25)

    # hosts ------------------------------------------------------------------------------------------------------
    def _hosts(self):
        body = self.api.call("GET", "/os-services?binary=nova-compute", microversion="2.53")
        services = {s["host"]: s for s in body["services"]}
        for host in self.topology["hosts"]:
            service = services[host["name"]]
            if host["status"] == "disabled":
                change = {"status": "disabled"}
                if host.get("disabled_reason"):
                    change["disabled_reason"] = host["disabled_reason"]
                self.api.call("PUT", "/os-services/%s" % service["id"], change, microversion="2.53")
            if host["forced_down"]:
                self.api.call("PUT", "/os-services/%s" % service["id"], {"forced_down": True}, microversion="2.53")
            if host["state"] == "down":
                self.plane.service_down(host["name"])

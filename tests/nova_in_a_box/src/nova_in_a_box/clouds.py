"""clouds.yaml for openstacksdk / python-openstackclient, with the cloud names the mock writes.

One cloud ``mock-<user>`` per topology user (``mock-admin``, ``mock-member``, ``mock-manager`` by default) and one
per application credential (``mock-admin-appcred``): scenarios run unchanged against either backend.
"""

import os

import yaml


def _common():
    return {"region_name": "RegionOne", "interface": "public", "identity_api_version": 3}


def clouds_document(url, topology):
    auth_url = url.rstrip("/") + "/v3"
    clouds = {}
    for user in topology["users"]:
        settings = _common()
        settings["auth"] = {"auth_url": auth_url, "username": user["name"], "password": user["password"],
                            "project_name": user["project"], "user_domain_name": "Default",
                            "project_domain_name": "Default"}
        clouds["mock-%s" % user["name"]] = settings
    for cred in topology["application_credentials"]:
        settings = _common()
        settings["auth_type"] = "v3applicationcredential"
        settings["auth"] = {"auth_url": auth_url, "application_credential_id": cred["id"],
                            "application_credential_secret": cred["secret"]}
        name = cred["name"] if cred["name"].startswith("mock-") else "mock-%s" % cred["name"]
        clouds[name] = settings
    return {"clouds": clouds}


def write_clouds_yaml(path, url, topology):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as handle:
        yaml.safe_dump(clouds_document(url, topology), handle, default_flow_style=False, sort_keys=True)
    os.replace(tmp, path)   # readers never see a half-written file
    return path

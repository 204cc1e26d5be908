"""The contractor face's nginx site (deploy/nginx/itaku-contractor.conf) beside the ward face's (itaku.conf): the same
server blocks line for line except what makes it the contractor face (its name, its certificate, the Host the app
is told, its logs), the ward face closed to addresses outside the ward, and nginx accepting the two together."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings

from core import faces

NGINX = settings.BASE_DIR / "deploy/nginx"
WARD_SITE = (NGINX / "itaku.conf").read_text()
CONTRACTOR_SITE = (NGINX / "itaku-contractor.conf").read_text()
WARD_HOST = "itaku.city.example.lg.jp"
CONTRACTOR_HOST = "itaku-jigyosha.city.example.jp"

# What differs, ward line → contractor line (after comments and blank lines are dropped).
DIFFERENCES = {
    f"server_name {WARD_HOST};": f"server_name {CONTRACTOR_HOST};",
    "return 301 https://$host$request_uri;": "return 301 https://$server_name$request_uri;",
    "ssl_certificate /etc/itaku/tls/server.crt;": "ssl_certificate /etc/itaku/tls/contractor.crt;",
    "ssl_certificate_key /etc/itaku/tls/server.key;": "ssl_certificate_key /etc/itaku/tls/contractor.key;",
    "ssl_session_cache shared:itaku_tls:10m;": "ssl_session_cache shared:itaku_contractor_tls:10m;",
    "proxy_set_header Host $host;": "proxy_set_header Host $server_name;",
    "access_log /var/log/nginx/itaku-access.log itaku;": "access_log /var/log/nginx/itaku-contractor-access.log itaku;",
    "access_log /var/log/nginx/itaku-access.log itaku_welcome;":
        "access_log /var/log/nginx/itaku-contractor-access.log itaku_welcome;",
    "error_log /var/log/nginx/itaku-error.log error;": "error_log /var/log/nginx/itaku-contractor-error.log error;",
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def _servers(text: str) -> list[str]:
    return _lines(text[text.index("server {"):])


def test_the_contractor_site_is_the_ward_site_under_the_contractor_name():
    ward = [line for line in _servers(WARD_SITE) if not line.startswith(("allow ", "deny "))]
    assert [DIFFERENCES.get(line, line) for line in ward] == _servers(CONTRACTOR_SITE)
    # It defines no upstream or log format of its own: those of the itaku site, enabled with it.
    assert "upstream" not in CONTRACTOR_SITE.replace("upstream itaku_app and", "")
    assert not re.search(r"^\s*log_format", CONTRACTOR_SITE, re.MULTILINE)


def test_the_ward_face_admits_only_the_ward_networks_and_loopback():
    ward_443 = WARD_SITE[WARD_SITE.index("listen 443"):]
    rules = re.findall(r"^\s*(allow|deny)\s+([^;]+);", ward_443, re.MULTILINE)
    assert rules[-1] == ("deny", "all")
    assert ("allow", "127.0.0.1") in rules and ("allow", "::1") in rules
    assert not re.search(r"^\s*(allow|deny)\s", CONTRACTOR_SITE, re.MULTILINE)


def test_the_example_host_names_are_the_faces_they_say():
    mapping = faces.faces_by_host(f"{WARD_HOST}=ward,{CONTRACTOR_HOST}=contractor")
    assert mapping == {WARD_HOST: faces.WARD, CONTRACTOR_HOST: faces.CONTRACTOR}
    assert f"server_name {CONTRACTOR_HOST};" in CONTRACTOR_SITE and f"server_name {WARD_HOST};" in WARD_SITE


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_two_faces_together(tmp_path):
    from tests.operations.nginx import write_config

    config = write_config(tmp_path, app_port=8001, http_port=18080, https_port=18443)
    for suffix in ("crt", "key"):
        shutil.copy(tmp_path / f"server.{suffix}", tmp_path / f"contractor.{suffix}")
    site = CONTRACTOR_SITE
    for old, new in {"listen 80;": "listen 127.0.0.1:18080;", "listen [::]:80;": "",
                     "listen 443 ssl http2;": "listen 127.0.0.1:18443 ssl http2;", "listen [::]:443 ssl http2;": "",
                     "/var/log/nginx/": f"{tmp_path}/logs/", "/etc/itaku/tls/": f"{tmp_path}/",
                     "alias /var/lib/itaku/static/;": f"alias {tmp_path}/static/;",
                     "root /opt/itaku/app/deploy/nginx;": f"root {NGINX};"}.items():
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "contractor.conf").write_text(site)
    config.write_text(config.read_text().replace(f"    include {tmp_path}/site.conf;\n",
                                                 f"    include {tmp_path}/site.conf;\n"
                                                 f"    include {tmp_path}/contractor.conf;\n"))
    assert "contractor.conf" in config.read_text()
    result = subprocess.run(["nginx", "-t", "-c", str(config), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

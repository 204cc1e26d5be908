"""The two-server load test's nginx (loadtest/front.py): the shipped sites as they are, with an upstream of the
given app servers and nothing else changed but what cannot run here; nginx accepts it. Keeps `make loadtest-two`
working when deploy/nginx changes (the load test itself is not part of `make test`)."""

import shutil
import subprocess

import pytest

from loadtest.front import CONTRACTOR_SITE, SHIPPED_UPSTREAM, SITE, render


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_the_shipped_sites_are_rendered_with_an_upstream_of_two(tmp_path):
    names = render(tmp_path, upstreams=["127.0.0.1:18101", "127.0.0.1:18102"], https_port=18443, http_port=18080)
    site = (tmp_path / "site.conf").read_text()
    assert "server 127.0.0.1:18101; server 127.0.0.1:18102;" in site
    assert SHIPPED_UPSTREAM not in site
    # Every other line of the shipped site is there as shipped, unless it names a port, a path or the upstream.
    moved = ("listen", "server 127.0.0.1", "access_log", "error_log", "ssl_certificate", "alias", "root")
    rendered = set(_lines(site))
    for line in _lines(SITE.read_text()):
        if not line.startswith(moved):
            assert line in rendered, line
    assert "listen 443" not in site and "listen 80" not in site and "[::]" not in site
    assert names[0] in site
    if CONTRACTOR_SITE.exists():
        assert names[1] in (tmp_path / "contractor.conf").read_text()
    main = (tmp_path / "nginx.conf").read_text()
    assert "add_header X-Loadtest-Upstream $upstream_addr always;" in main


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_rendered_configuration(tmp_path):
    render(tmp_path, upstreams=["127.0.0.1:18101", "127.0.0.1:18102"], https_port=18443, http_port=18080)
    result = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr

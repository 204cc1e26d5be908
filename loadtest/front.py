"""The shipped nginx site (deploy/nginx/itaku.conf) in front of several app servers, for the load test.

    python loadtest/front.py DIR --upstream 127.0.0.1:8101 --upstream 127.0.0.1:8102 --https-port 8443 \
        --http-port 8080

writes DIR/nginx.conf (run it with ``nginx -c DIR/nginx.conf -p DIR``) and prints the ward face's server
name and, when deploy/nginx has the contractor face's site (itaku-contractor.conf), that one's after it.
As tests/operations/nginx.py does for the tests: the sites as shipped, with only what cannot run here moved
into DIR (their ports onto 127.0.0.1, the certificates, the logs, the static files, the error pages' root, and
nginx's pid and temporary files); the upstream lists the given app servers instead of the one on :8001, as a
ward's site would with several. Both faces listen on the one loopback port and nginx tells them apart by the
Host header, as on a server with one address. A test certificate is made for the names and 127.0.0.1.

One thing is added outside the site, in the main nginx.conf: an ``X-Loadtest-Upstream`` header naming the
app server that answered (nginx's $upstream_addr), so the load test knows which server took each upload
and can read the file back through the other one.
"""

import argparse
import datetime as dt
import ipaddress
import re
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SITE = Path(__file__).resolve().parent.parent / "deploy/nginx/itaku.conf"
CONTRACTOR_SITE = SITE.parent / "itaku-contractor.conf"
SHIPPED_UPSTREAM = "server 127.0.0.1:8001;"


def certificate(directory: Path, names: list[str]) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = dt.datetime.now(dt.UTC)
    alternatives = [x509.DNSName(name) for name in names] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .sign(key, hashes.SHA256()))
    (directory / "server.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
    (directory / "server.key").chmod(0o600)


def _names(site: str) -> list[str]:
    return list(dict.fromkeys(name for line in re.findall(r"^\s*server_name\s+([^;]+);", site, re.M)
                              for name in line.split()))


def render(directory: Path, *, upstreams: list[str], https_port: int, http_port: int) -> list[str]:
    """Write DIR/site.conf (DIR/contractor.conf) and DIR/nginx.conf; return the faces' server names."""
    for sub in ("logs", "static", "temp"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    sites = {"site.conf": _moved(SITE.read_text(), directory, upstreams=upstreams, https_port=https_port,
                                 http_port=http_port)}
    names = [_names(sites["site.conf"])[0]]
    if CONTRACTOR_SITE.exists():
        sites["contractor.conf"] = _moved(CONTRACTOR_SITE.read_text(), directory, upstreams=None,
                                          https_port=https_port, http_port=http_port)
        names.append(_names(sites["contractor.conf"])[0])
    certificate(directory, names)
    for name in ("contractor.crt", "contractor.key"):  # the contractor face's certificate: the same test one
        (directory / name).write_bytes((directory / name.replace("contractor", "server")).read_bytes())
    (directory / "contractor.key").chmod(0o600)
    for name, text in sites.items():
        (directory / name).write_text(text)
    temp = directory / "temp"
    includes = "".join(f"    include {directory}/{name};\n" for name in sites)
    (directory / "nginx.conf").write_text(
        f"user root;\npid {directory}/nginx.pid;\nerror_log {directory}/logs/main-error.log;\n"
        "worker_processes 1;\nevents {}\nhttp {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n    scgi_temp_path {temp}/scgi;\n"
        "    add_header X-Loadtest-Upstream $upstream_addr always;\n"
        f"{includes}}}\n")
    return names


def _moved(site: str, directory: Path, *, upstreams: list[str] | None, https_port: int, http_port: int) -> str:
    """A shipped site with what cannot run here moved into ``directory`` (its upstream only where it has one)."""
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        **({SHIPPED_UPSTREAM: " ".join(f"server {address};" for address in upstreams)} if upstreams else {}),
        "/var/log/nginx/": f"{directory}/logs/",
        "/etc/itaku/tls/": f"{directory}/",
        "alias /var/lib/itaku/static/;": f"alias {directory}/static/;",
        "root /opt/itaku/app/deploy/nginx;": f"root {SITE.parent};",
    }
    for old, new in replacements.items():
        if old not in site:
            raise SystemExit(f"a site in deploy/nginx no longer has {old!r}: update loadtest/front.py")
        site = site.replace(old, new)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--upstream", action="append", required=True, help="host:port of an app server")
    parser.add_argument("--https-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    options = parser.parse_args()
    print(" ".join(render(options.directory.resolve(), upstreams=options.upstream, https_port=options.https_port,
                          http_port=options.http_port)))


if __name__ == "__main__":
    sys.exit(main())

"""deploy/nginx/itaku.conf made runnable on this machine: its ports, certificate, log and static directories
and its upstream moved into a test directory; everything else as shipped."""

import datetime as dt
from pathlib import Path

from django.conf import settings

SITE = Path(settings.BASE_DIR) / "deploy/nginx/itaku.conf"
SERVER_NAME = "itaku.city.example.lg.jp"


def _certificate(directory: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(SERVER_NAME)]), critical=False)
                   .sign(key, hashes.SHA256()))
    (directory / "server.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))


def write_config(directory: Path, *, app_port: int, http_port: int, https_port: int) -> Path:
    """A main nginx.conf in ``directory`` that includes the shipped site, moved as the docstring says."""
    (directory / "logs").mkdir(exist_ok=True)
    (directory / "static").mkdir(exist_ok=True)
    _certificate(directory)
    site = SITE.read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{app_port};",
        "/var/log/nginx/": f"{directory}/logs/",
        "/etc/itaku/tls/": f"{directory}/",
        "alias /var/lib/itaku/static/;": f"alias {directory}/static/;",
        "root /opt/itaku/app/deploy/nginx;": f"root {SITE.parent};",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    (directory / "site.conf").write_text(site)
    config = directory / "nginx.conf"
    temp = directory / "temp"
    config.write_text(
        f"user root;\npid {directory}/nginx.pid;\nerror_log {directory}/logs/main-error.log;\n"
        "worker_processes 1;\nevents {}\nhttp {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n    scgi_temp_path {temp}/scgi;\n"
        f"    include {directory}/site.conf;\n}}\n")
    temp.mkdir(exist_ok=True)
    return config

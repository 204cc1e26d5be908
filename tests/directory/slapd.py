"""A real OpenLDAP server (Debian's slapd) for the directory tests: a throwaway mdb database in a directory
of its own, listening only on a Unix socket there (ldapi://), stopped when the tests end.

The tests load their own people and groups with ldapadd and change them with ldapmodify, as a ward's
directory administrator would."""

import base64
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SUFFIX = "dc=ward,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "directory-admin-secret"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"

_CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {home}/slapd.pid
argsfile {home}/slapd.args
database mdb
maxsize 67108864
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {home}/db
"""

_BASE = f"""\
dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: ward
o: Example Ward

dn: {PEOPLE}
objectClass: organizationalUnit
ou: people

dn: {GROUPS}
objectClass: organizationalUnit
ou: groups
"""


def available() -> bool:
    return all(os.access(path, os.X_OK) for path in (SLAPD, SLAPADD)) and shutil.which("ldapmodify") is not None


class Slapd:
    def __init__(self):
        # A short path: a Unix socket's path is limited to about 100 bytes.
        self.home = Path(tempfile.mkdtemp(prefix="slapd-", dir="/tmp"))
        self.socket = self.home / "ldapi"
        self.uri = "ldapi://" + urllib.parse.quote(str(self.socket), safe="")
        self.config = self.home / "slapd.conf"
        self.process = None
        (self.home / "db").mkdir()
        self.config.write_text(_CONFIG.format(home=self.home, suffix=SUFFIX, root_dn=ROOT_DN,
                                              root_password=ROOT_PASSWORD))
        base = self.home / "base.ldif"
        base.write_text(_BASE)
        subprocess.run([SLAPADD, "-f", str(self.config), "-l", str(base)], check=True, capture_output=True)

    def start(self) -> None:
        # -d 0: stays in the foreground (a child of the tests) and logs nothing.
        self.process = subprocess.Popen([SLAPD, "-h", self.uri, "-f", str(self.config), "-d", "0"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd did not start: {self.process.stderr.read().decode(errors='replace')}")
            if self.socket.exists() and self._answers():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not answer within 15 seconds")

    def _answers(self) -> bool:
        return subprocess.run(["ldapsearch", "-H", self.uri, "-x", "-D", ROOT_DN, "-w", ROOT_PASSWORD,
                               "-b", SUFFIX, "-s", "base", "dn"], capture_output=True).returncode == 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        # slapd leaves its socket behind; a restart binds it afresh.
        self.socket.unlink(missing_ok=True)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def _tool(self, tool: str, ldif: str, *extra: str) -> None:
        result = subprocess.run([tool, "-H", self.uri, "-x", "-D", ROOT_DN, "-w", ROOT_PASSWORD, *extra],
                                input=ldif.encode(), capture_output=True)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stderr.decode(errors='replace')}")

    def add(self, ldif: str) -> None:
        self._tool("ldapadd", ldif)

    def modify(self, ldif: str) -> None:
        self._tool("ldapmodify", ldif)

    def clear(self) -> None:
        """Every person and group a test loaded, deleted (the two organizational units stay)."""
        for base in (GROUPS, PEOPLE):
            found = subprocess.run(["ldapsearch", "-H", self.uri, "-x", "-D", ROOT_DN, "-w", ROOT_PASSWORD, "-LLL",
                                    "-b", base, "-s", "one", "dn"], capture_output=True, check=True)
            dns = [line[4:] for line in found.stdout.decode().splitlines() if line.startswith("dn: ")]
            if dns:
                subprocess.run(["ldapdelete", "-H", self.uri, "-x", "-D", ROOT_DN, "-w", ROOT_PASSWORD, *dns],
                               capture_output=True, check=True)


def person(uid: str, *, password: str, display_name: str, mail: str = "") -> str:
    lines = [f"dn: uid={uid},{PEOPLE}", "objectClass: inetOrgPerson", f"uid: {uid}", f"cn: {uid}", f"sn: {uid}",
             # Not ASCII: base64 (LDIF's "::"), as ldapadd expects.
             f"displayName:: {base64.b64encode(display_name.encode()).decode()}", f"userPassword: {password}"]
    if mail:
        lines.append(f"mail: {mail}")
    return "\n".join(lines) + "\n"


def group(cn: str, *members: str) -> str:
    lines = [f"dn: cn={cn},{GROUPS}", "objectClass: groupOfNames", f"cn: {cn}"]
    lines += [f"member: uid={uid},{PEOPLE}" for uid in members] or [f"member: {ROOT_DN}"]
    return "\n".join(lines) + "\n"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def person_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"

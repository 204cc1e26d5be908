"""The directory's settings, read from the environment (config/settings.py calls ``ldap_settings`` when
LDAP_SERVER_URI is set; README, "Sign-in against the ward's directory").

Imported by the settings module, before the apps are loaded: nothing here touches a model.

Variables:
  LDAP_SERVER_URI        ldap://dc1.ward.local, ldaps://…, or ldapi://%2Frun%2Fslapd%2Fldapi
  LDAP_BIND_DN           the service account that looks people up (empty: anonymous search)
  LDAP_BIND_PASSWORD
  LDAP_USER_SEARCH_BASE  where people are (LDAP_USER_BASE is read too)
  LDAP_USER_ATTR         the attribute a person's user name is in: uid (OpenLDAP, the default) or
                         sAMAccountName (Active Directory)
  LDAP_USER_FILTER       optional extra filter ANDed in, e.g. (objectClass=inetOrgPerson)
  LDAP_GROUP_SEARCH_BASE where groups are (LDAP_GROUP_BASE is read too)
  LDAP_GROUP_TYPE        groupofnames (default), groupofuniquenames, or ad (Active Directory's groups)
  LDAP_GROUP_SCOPES      JSON: {group DN: [[role, unit code or "*"], ...]}; role hr (担当課), privacy
                         (個人情報保護担当) or auditor (監査); "*" is the whole ward. One pair may be given
                         without the outer list: {group DN: [role, unit code]}.
  LDAP_DISPLAY_NAME_ATTR the attribute of a person's name (displayName)
  LDAP_MAIL_ATTR         the attribute of a person's e-mail address (mail)
  LDAP_DEFAULT_UNIT      the unit code a person's 所属組織 is when their groups name no unit (ward-wide roles)
  LDAP_START_TLS         1 to upgrade ldap:// with StartTLS
  LDAP_CA_CERT_FILE      the CA certificate(s) that signed the directory's certificate (PEM)
  LDAP_TIMEOUT           seconds to wait for the directory (5)
"""

import json

from django.core.exceptions import ImproperlyConfigured

# The roles a directory group may give (contracts.models.SCOPED_ROLES; not imported here, see above).
SCOPED_ROLE_CODES = ("hr", "privacy", "auditor")
WARD_WIDE = "*"
GROUP_TYPES = ("groupofnames", "groupofuniquenames", "ad")


def normalise_dn(dn: str) -> str:
    """A DN as compared here: lower case, no spaces around the commas and equals signs (DNs are compared
    without regard to case by LDAP servers, and administrators write them either way)."""
    parts = []
    for rdn in str(dn).split(","):
        attr, _sep, value = rdn.partition("=")
        parts.append(f"{attr.strip()}={value.strip()}")
    return ",".join(parts).lower()


def group_scopes(raw: str) -> dict[str, list[tuple[str, str | None]]]:
    """LDAP_GROUP_SCOPES read and checked: {normalised group DN: [(role, unit code or None), ...]}."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"LDAP_GROUP_SCOPES is not JSON: {error} (in a systemd EnvironmentFile, put the "
                                   "whole value in single quotes)") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured('LDAP_GROUP_SCOPES must be a JSON object: {"group DN": [["hr", "unit code"]]}.')
    scopes: dict[str, list[tuple[str, str | None]]] = {}
    for dn, pairs in data.items():
        if isinstance(pairs, list) and len(pairs) == 2 and all(isinstance(p, str) for p in pairs):
            pairs = [pairs]
        if not isinstance(pairs, list) or not pairs:
            raise ImproperlyConfigured(f"LDAP_GROUP_SCOPES[{dn!r}] must be a list of [role, unit code] pairs.")
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                raise ImproperlyConfigured(f"LDAP_GROUP_SCOPES[{dn!r}]: {pair!r} is not a [role, unit code] pair.")
            role, unit = pair[0].strip(), pair[1].strip()
            if role not in SCOPED_ROLE_CODES:
                raise ImproperlyConfigured(f"LDAP_GROUP_SCOPES[{dn!r}]: role {role!r} is none of "
                                           f"{', '.join(SCOPED_ROLE_CODES)}.")
            if not unit:
                raise ImproperlyConfigured(f'LDAP_GROUP_SCOPES[{dn!r}]: a unit code, or "*" for the whole ward.')
            scopes.setdefault(normalise_dn(dn), []).append((role, None if unit == WARD_WIDE else unit))
    return scopes


def _get(environ, *names: str, default: str = "") -> str:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return default


def ldap_settings(environ) -> dict:
    """The AUTH_LDAP_* settings of django-auth-ldap and this app's DIRECTORY_* ones, from ``environ``."""
    import ldap
    from django_auth_ldap.config import (
        ActiveDirectoryGroupType,
        GroupOfNamesType,
        GroupOfUniqueNamesType,
        LDAPSearch,
    )

    left = sorted(name for name, value in environ.items() if name.startswith("LDAP_") and "CHANGE-ME" in value)
    if left:
        # As for the DJANGO_* values (config/settings.py): deploy/itaku.env.example's placeholders never run.
        raise ImproperlyConfigured(f"Replace the CHANGE-ME placeholder in: {', '.join(left)}")
    uri = _get(environ, "LDAP_SERVER_URI")
    if not uri.lower().startswith(("ldap://", "ldaps://", "ldapi://")):
        raise ImproperlyConfigured("LDAP_SERVER_URI must start with ldap://, ldaps:// or ldapi://.")
    user_base = _get(environ, "LDAP_USER_SEARCH_BASE", "LDAP_USER_BASE")
    group_base = _get(environ, "LDAP_GROUP_SEARCH_BASE", "LDAP_GROUP_BASE")
    if not user_base or not group_base:
        raise ImproperlyConfigured("With LDAP_SERVER_URI set, LDAP_USER_SEARCH_BASE and LDAP_GROUP_SEARCH_BASE "
                                   "must name where the ward's people and groups are.")
    user_attr = _get(environ, "LDAP_USER_ATTR", default="uid")
    if not user_attr.replace("-", "").isalnum():
        raise ImproperlyConfigured("LDAP_USER_ATTR must be an attribute name such as uid or sAMAccountName.")
    extra = _get(environ, "LDAP_USER_FILTER")
    if extra and not (extra.startswith("(") and extra.endswith(")")):
        raise ImproperlyConfigured("LDAP_USER_FILTER must be an LDAP filter in parentheses.")
    user_filter = f"(&({user_attr}=%(user)s){extra})" if extra else f"({user_attr}=%(user)s)"
    group_type_name = _get(environ, "LDAP_GROUP_TYPE", default="groupofnames").lower()
    if group_type_name not in GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}.")
    group_type, group_class = {
        "groupofnames": (GroupOfNamesType(), "groupOfNames"),
        "groupofuniquenames": (GroupOfUniqueNamesType(), "groupOfUniqueNames"),
        "ad": (ActiveDirectoryGroupType(), "group"),
    }[group_type_name]
    timeout = _get(environ, "LDAP_TIMEOUT", default="5")
    if not timeout.isdigit() or int(timeout) < 1:
        raise ImproperlyConfigured("LDAP_TIMEOUT must be a whole number of seconds (e.g. 5).")
    options = {ldap.OPT_NETWORK_TIMEOUT: int(timeout), ldap.OPT_TIMEOUT: int(timeout),
               # Active Directory answers with referrals python-ldap would follow anonymously.
               ldap.OPT_REFERRALS: 0}
    ca_file = _get(environ, "LDAP_CA_CERT_FILE")
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    start_tls = _get(environ, "LDAP_START_TLS", default="0").lower() in {"1", "true", "yes", "on"}
    display_attr = _get(environ, "LDAP_DISPLAY_NAME_ATTR", default="displayName")
    mail_attr = _get(environ, "LDAP_MAIL_ATTR", default="mail")
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": _get(environ, "LDAP_BIND_DN"),
        "AUTH_LDAP_BIND_PASSWORD": environ.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(group_base, ldap.SCOPE_SUBTREE, f"(objectClass={group_class})"),
        "AUTH_LDAP_GROUP_TYPE": group_type,
        # The user name attribute too: the account is the directory's name for the person, not what was typed
        # (directory.backends).
        "AUTH_LDAP_USER_ATTRLIST": [display_attr, mail_attr, user_attr],
        "DIRECTORY_USER_ATTR": user_attr,
        # The person's name and address are copied by directory.services at each sign-in, not by
        # django-auth-ldap's attribute map (which logs the person's DN when one is missing).
        "AUTH_LDAP_USER_ATTR_MAP": {},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "AUTH_LDAP_MIRROR_GROUPS": None,
        "DIRECTORY_GROUP_SCOPES": group_scopes(environ.get("LDAP_GROUP_SCOPES", "")),
        "DIRECTORY_DISPLAY_NAME_ATTR": display_attr,
        "DIRECTORY_MAIL_ATTR": mail_attr,
        "DIRECTORY_DEFAULT_UNIT": _get(environ, "LDAP_DEFAULT_UNIT"),
    }

"""django-auth-ldap's backend, as the ward uses it (settings.AUTHENTICATION_BACKENDS when LDAP_SERVER_URI is set).

- Not on the contractor face (core.faces): only the ward face asks the directory.
- A contractor's account (and a superuser) signs in only locally: its user name and password are never
  sent to the ward's directory, and a directory entry of the same name is refused (``is_local_only``).
- After the directory accepts the password, the person's groups and name are read and applied
  (``directory.services.directory_sign_in``): a group taken away in the directory is a scope gone now.
- The directory unreachable, or a sign-in refused for a reason of its own, puts a Japanese message on the
  request (``request.sign_in_refusal``) that the login page shows instead of "wrong password".
- The directory matches user names loosely (LDAP folds full-width letters and case, and drops some invisible
  characters): the name typed is NFKC-normalised, and the account is the one named by the directory's own value
  of the user name attribute, never a new account for a variant of it (which would enrol a second factor of
  its own with only the password).
"""

import logging
import unicodedata

import ldap
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend, ldap_error

from core.errors import DomainError
from core.faces import CONTRACTOR, face_of

from .services import directory_sign_in, is_local_only

logger = logging.getLogger(__name__)


def refuse(request, message) -> None:
    if request is not None:
        request.sign_in_refusal = message


def unreachable(request, error) -> None:
    # The kind of error only: its details may name a person's DN.
    logger.warning("The ward's directory could not be used for a sign-in (%s).", type(error).__name__)
    refuse(request, _("区のディレクトリ（LDAP）に接続できないため、ログインを確認できませんでした。"
                      "しばらくしてからもう一度お試しください。続く場合は管理者に連絡してください。"))


class DirectoryBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = kwargs.get(get_user_model().USERNAME_FIELD, username)
        if not username:
            return None
        username = unicodedata.normalize("NFKC", str(username)).strip()
        if request is not None and (getattr(request, "app_face", None) or face_of(request)) == CONTRACTOR:
            # The contractor face is reached from outside the ward's network: nothing typed there goes to the
            # ward's directory (no password guessing against it, no lockouts of ward accounts from outside).
            return None
        local = list(get_user_model().objects.filter(username__iexact=str(username).strip()[:150])[:2])
        if len(local) > 1 or any(is_local_only(user) for user in local):
            # Two accounts here differ only in case (which would the directory's be?), or one stays local.
            return None
        return super().authenticate(request, username=username, password=password)

    def get_user(self, user_id):
        # As ModelBackend: a session of an account stopped since ends at its next request.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def get_or_build_user(self, username, ldap_user):
        attr = getattr(settings, "DIRECTORY_USER_ATTR", "uid")
        names = {str(value).lower(): str(value) for value in ldap_user.attrs.get(attr, [])}
        if username.lower() not in names:
            # The directory found the person by a variant of their name (「ｋａｔｏ」, 「ka\u00adto」 for kato):
            # refused, as a wrong password, rather than made into an account of its own.
            raise ldap_user.AuthenticationFailed("the user name differs from the directory's")
        user, built = super().get_or_build_user(names[username.lower()], ldap_user)
        created = False
        if built:
            # Saved here, in a savepoint of its own: the same new person's first sign-in sent twice at once
            # finds the account the other request made instead of failing on the unique user name.
            try:
                with transaction.atomic():
                    user.set_unusable_password()
                    user.save()
                created = True
            except IntegrityError:
                user = get_user_model().objects.get(username__iexact=user.get_username())
        if not created and is_local_only(user):
            raise ldap_user.AuthenticationFailed("a local account has this user name")
        ldap_user.directory_created = created
        return user, False

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None or not user.is_active:
            # An account an administrator stopped here stays stopped, whatever the directory says (django-auth-ldap
            # itself never looks at is_active).
            return None
        request = ldap_user._request
        try:
            group_dns = ldap_user.group_dns
            attrs = ldap_user.attrs
        except ldap.LDAPError as error:
            unreachable(request, error)
            return None
        created = getattr(ldap_user, "directory_created", False)
        try:
            directory_sign_in(user=user, created=created, attrs=attrs, group_dns=group_dns, request=request)
        except DomainError as error:
            refuse(request, error.message)
            if created:
                user.delete()
            return None
        return user


def _on_ldap_error(sender, context=None, request=None, exception=None, **kwargs):
    unreachable(request, exception)


ldap_error.connect(_on_ldap_error, sender=DirectoryBackend, dispatch_uid="directory.unreachable")

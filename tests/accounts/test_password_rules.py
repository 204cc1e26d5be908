"""Passwords: NIST SP 800-63B 5.1.1.2 asks to refuse "repetitive or sequential characters (e.g. 'aaaaaa',
'1234abcd')" and "context-specific words, such as ... the username"."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

REFUSED = ["ZZZZZZZZZZZZ", "aaaaaaaaaaab", "abcdefghijkl", "abcdefgh1234", "987654321098", "abcabcabcabc",
           "aaabbbcccddd", "1234abcd1234abcd", "ＺＺＺＺＺＺＺＺＺＺＺＺ"]
ACCEPTED = ["correct horse battery staple", "夕焼けの多摩川を自転車で走る", "demo-passphrase-2025",
            "Kabukicho 1-4-1 Shinjuku"]


@pytest.mark.parametrize("password", REFUSED)
def test_repetitive_or_sequential_passwords_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "同じ文字の繰り返しや、連続した文字（abcd、1234 など）だけのパスワードは使えません。" in refused.value.messages


@pytest.mark.parametrize("password", ACCEPTED)
def test_passphrases_are_accepted(world, password):
    validate_password(password, world.handler)


def test_the_user_name_the_mail_name_and_the_display_name_are_refused(world):
    world.handler.username = "yamada"
    world.handler.email = "m.yamada@example.co.jp"
    for password in ["yamadayamada", "my name is Yamada!", "m.yamada-2026-kanri", "山田美咲のパスワードです"]:
        with pytest.raises(ValidationError) as refused:
            validate_password(password, world.handler)
        assert "ユーザー名・メールアドレス・氏名を含むパスワードは使えません。" in refused.value.messages, password


def test_the_password_change_page_refuses_them_and_keeps_the_old_password(client_as, world):
    client = client_as(world.handler)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "ZZZZZZZZZZZZ", "new_password2": "ZZZZZZZZZZZZ"})
    assert response.status_code == 200
    assert "連続した文字" in response.content.decode()
    world.handler.refresh_from_db()
    assert world.handler.check_password(PASSWORD)


def test_a_user_without_profile_is_checked_by_name_only(world):
    bare = make_user("kanri", world.contractor)
    bare.profile.delete()
    bare = type(bare).objects.get(pk=bare.pk)
    with pytest.raises(ValidationError):
        validate_password("kanri-kanri-2026", bare)

"""The survey data at rest: encrypted under DATA_KEY, never in plain text on disk, purged once the package
is built or the retention period has passed (purge_survey_data, send_reminders), audited with counts."""

import datetime as dt
import io
import os
import stat

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from config import settings as project_settings
from engagement import crypto, services
from engagement.models import SurveyUpload
from handover.models import Item, MediumKind
from tests.engagement import web

pytestmark = pytest.mark.django_db


def _disk(settings) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(settings.SURVEY_DATA_DIR.iterdir()))


def test_the_bytes_on_disk_contain_no_cell_value(world, settings):
    upload = web.uploaded(world)
    disk = _disk(settings)
    assert len(disk) > len(web.survey_bytes())
    for value in [web.name(0), web.staff_number(0), "staff000@city.example.lg.jp", "総務部人事課", "①研修を増やしてほしい"]:
        for encoding in ("cp932", "utf-8", "utf-16-le"):
            assert value.encode(encoding) not in disk, (value, encoding)
    assert crypto.load(upload.survey_blob, purpose=crypto.UPLOAD) == web.survey_bytes()
    assert stat.S_IMODE(os.stat(settings.SURVEY_DATA_DIR / f"{upload.survey_blob}.bin").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(settings.SURVEY_DATA_DIR).st_mode) == 0o700


def test_the_package_kept_for_download_is_encrypted_again_at_rest(world, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = web.built(world)
    disk = _disk(settings)
    # The msoffcrypto file itself (password-protected) is not what lies on disk either.
    assert made.built.content[:512] not in disk
    assert crypto.load(made.package.blob, purpose=crypto.PACKAGE) == made.built.content


def test_another_data_key_cannot_read_the_files(world, settings):
    upload = web.uploaded(world)
    settings.DATA_KEY = "another key of at least thirty-two characters"
    with pytest.raises(crypto.StoredDataError) as error:
        crypto.load(upload.survey_blob, purpose=crypto.UPLOAD)
    assert error.value.code == "key_changed"


def test_a_file_altered_or_swapped_on_disk_does_not_decrypt(world, settings):
    upload = web.uploaded(world)
    path = settings.SURVEY_DATA_DIR / f"{upload.survey_blob}.bin"
    sealed = bytearray(path.read_bytes())
    sealed[-1] ^= 1
    path.write_bytes(bytes(sealed))
    with pytest.raises(crypto.StoredDataError) as error:
        crypto.load(upload.survey_blob, purpose=crypto.UPLOAD)
    assert error.value.code == "tampered"
    # The master's file put in the survey's place is refused too: each file is bound to its name.
    (settings.SURVEY_DATA_DIR / f"{upload.master_blob}.bin").replace(path)
    with pytest.raises(crypto.StoredDataError):
        crypto.load(upload.survey_blob, purpose=crypto.UPLOAD)


def test_the_pages_say_so_when_the_stored_file_cannot_be_read(client_as, world, settings):
    upload = web.uploaded(world)
    settings.DATA_KEY = "another key of at least thirty-two characters"
    response = client_as(world.hr).get(web.url("mapping", world.contract, pk=upload.pk), follow=True)
    assert "データ鍵 DJANGO_DATA_KEY が保存時と違います" in response.content.decode()


def _age(upload, days):
    SurveyUpload.objects.filter(pk=upload.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=days),
                                                      expires_at=timezone.now() - dt.timedelta(days=days - 14))


def test_an_upload_past_the_retention_period_is_purged_by_the_command_and_audited_with_counts(
        world, settings, django_capture_on_commit_callbacks):
    old = web.uploaded(world)
    _age(old, 15)
    with django_capture_on_commit_callbacks(execute=True):
        other = web.uploaded(world)  # replaces the old one: only one upload at a time
    old.refresh_from_db()
    assert old.purge_reason == "replaced"
    _age(other, 15)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_survey_data", stdout=out)
    other.refresh_from_db()
    assert (other.state, other.purge_reason, other.survey_blob) == (SurveyUpload.State.PURGED, "expired", "")
    assert list(settings.SURVEY_DATA_DIR.iterdir()) == []
    assert "1 uploads older than 14 days" in out.getvalue()
    entry = AuditEntry.objects.get(action="engagement.data.purged")
    assert entry.payload == {"uploads": 1, "packages": 0, "orphans": 0, "retention_days": 14}
    assert entry.contract_id == world.contract.pk


def test_an_upload_within_the_period_is_kept(world, settings, django_capture_on_commit_callbacks):
    upload = web.uploaded(world)
    _age(upload, 13)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_survey_data", stdout=io.StringIO())
    upload.refresh_from_db()
    assert upload.is_live and len(list(settings.SURVEY_DATA_DIR.iterdir())) == 2
    assert not AuditEntry.objects.filter(action="engagement.data.purged").exists()


def test_the_retention_period_is_a_setting(world, settings, django_capture_on_commit_callbacks):
    settings.SURVEY_UPLOAD_RETENTION_DAYS = 3
    upload = web.uploaded(world)
    assert upload.expires_at - upload.uploaded_at == dt.timedelta(days=3)


def test_an_expired_upload_is_not_worked_on_before_the_purge_runs(client_as, world):
    upload = web.uploaded(world)
    _age(upload, 15)
    response = client_as(world.hr).get(web.url("mapping", world.contract, pk=upload.pk), follow=True)
    assert "保存期間を過ぎたため、使えません" in response.content.decode()


def test_send_reminders_purges_every_day_too(world, settings, django_capture_on_commit_callbacks):
    upload = web.uploaded(world)
    _age(upload, 20)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    upload.refresh_from_db()
    assert upload.purge_reason == "expired"
    assert "Survey data purged: 1 uploads" in out.getvalue()
    assert AuditEntry.objects.get(action="engagement.data.purged").actor_label == "manage.py send_reminders"


def test_a_package_file_whose_disc_left_without_the_signal_is_purged_by_the_sweep(
        world, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        package = web.built(world).package
    Item.objects.filter(pk=package.medium_id).update(state=Item.State.AT_CONTRACTOR)  # no save(): no signal
    with django_capture_on_commit_callbacks(execute=True):
        result = services.survey_data_purge()
    assert (result.uploads, result.packages) == (0, 1)
    package.refresh_from_db()
    assert not package.has_file and list(settings.SURVEY_DATA_DIR.iterdir()) == []


def test_a_stored_file_no_record_points_to_is_swept_after_an_hour(world, settings, django_capture_on_commit_callbacks):
    orphan = crypto.store(b"left over by a crash", purpose=crypto.UPLOAD)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_data_purge().orphans == 0  # too young: may be an upload being written
    hour_ago = (timezone.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(settings.SURVEY_DATA_DIR / f"{orphan}.bin", (hour_ago, hour_ago))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.survey_data_purge().orphans == 1
    assert list(settings.SURVEY_DATA_DIR.iterdir()) == []


def test_the_data_key_is_made_once_with_mode_600(tmp_path, monkeypatch):
    monkeypatch.delenv("DJANGO_DATA_KEY", raising=False)
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path)
    first = project_settings._data_key()
    path = tmp_path / "data_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 64 and project_settings._data_key() == first


def test_a_short_data_key_in_the_environment_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DJANGO_DATA_KEY", "too short")
    with pytest.raises(ImproperlyConfigured):
        project_settings._data_key()


def test_building_purges_the_upload_at_once(world, settings, django_capture_on_commit_callbacks):
    MediumKind.objects.get_or_create(name="CD-R")
    with django_capture_on_commit_callbacks(execute=True):
        made = web.built(world)
    upload = SurveyUpload.objects.get()
    assert (upload.state, upload.purge_reason) == (SurveyUpload.State.BUILT, "built")
    assert [p.name for p in settings.SURVEY_DATA_DIR.iterdir()] == [f"{made.package.blob}.bin"]
    assert AuditEntry.objects.get(action="engagement.upload.purged").payload == {"reason": "built", "files": 2}

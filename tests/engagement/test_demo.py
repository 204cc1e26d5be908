"""The demo: the FY2026 contract has a survey packaged from generated answers, its disc and notice in the
ledger ready to hand over. Safe to run twice."""

import io

import pytest
from django.core.management import call_command

from contracts.demo import CURRENT_SLUG
from engagement.models import SurveyMapping, SurveyPackage, SurveyUpload
from handover.models import Item

pytestmark = pytest.mark.django_db


def test_the_current_years_contract_has_a_packaged_survey_and_running_the_demo_again_changes_nothing(
        django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    package = SurveyPackage.objects.get()
    assert package.contract.slug == CURRENT_SLUG
    assert package.k_reached >= 5 and package.rows == 600
    # k is reached within the suppression limit, and every attribute column it holds is counted.
    assert package.suppressed_records <= 30 and package.not_identifying == []
    assert package.notice_printed and package.has_file and package.downloads.count() == 1
    assert (package.medium.state, package.notice.state) == (Item.State.PREPARED, Item.State.PREPARED)
    assert package.notice.opens_id == package.medium_id and package.medium.sha256 == package.sha256
    assert SurveyMapping.objects.filter(contract=package.contract).exists()
    # The upload was purged when the package was built; only the package's encrypted file is kept.
    assert SurveyUpload.objects.get().purge_reason == "built"
    assert [p.name for p in settings.SURVEY_DATA_DIR.iterdir()] == [f"{package.blob}.bin"]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    assert SurveyPackage.objects.count() == 1 and SurveyUpload.objects.count() == 1

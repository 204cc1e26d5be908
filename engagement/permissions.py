"""Who may do what with the survey export now: one answer for the page and the service.

Only HR of the contract (``contracts.permissions.can(user, contract, "manage")``) touches the survey's
data: uploads, mappings, risk, the package, its download and its notice. The contractor's people and the
auditors see the contract but nothing of the data: 403. Someone who may not see the contract gets 404,
as everywhere. The package goes to the contractor on a disc by hand, never through the app.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.permissions import can, contract_for, unless_closed
from contracttypes.parts import used
from core.answers import YES, Answer, no
from handover.models import Item

from .models import SurveyPackage, SurveyUpload


def may_see_survey(user, contract: Contract) -> Answer:
    """See the survey pages of a contract: its HR only."""
    if not can(user, contract, "manage"):
        return no(_("調査データを扱えるのは、この契約の担当課の職員です。"), "not_hr", forbidden=True)
    return YES


def survey_export_used(contract: Contract) -> Answer:
    """Whether the contract's type uses the survey export at all (the seed's survey analysis does)."""
    return used(contract, "survey_export")


def may_work(user, contract: Contract) -> Answer:
    """Upload, map, set the risk treatment and build: HR, while the contract is not closed, on a contract whose
    type uses the survey export."""
    seen = may_see_survey(user, contract)
    if not seen:
        return seen
    used = survey_export_used(contract)
    if not used:
        return used
    return unless_closed(contract)


def may_work_on(user, upload: SurveyUpload) -> Answer:
    answer = may_work(user, upload.contract)
    if not answer:
        return answer
    if upload.state == SurveyUpload.State.BUILT:
        return no(_("このアップロードからはすでにパッケージを作成し、データは削除しました。"), "built")
    if upload.purged_at is not None:
        return no(_("このアップロードのデータは%(reason)s削除しました。もう一度アップロードしてください。")
                  % {"reason": upload.get_purge_reason_display()}, "purged")
    if upload.is_expired:
        return no(_("このアップロードは保存期間を過ぎたため、使えません（まもなく削除されます）。もう一度アップロードしてください。"),
                  "expired")
    return YES


def may_build(user, upload: SurveyUpload) -> Answer:
    answer = may_work_on(user, upload)
    if not answer:
        return answer
    if upload.state != SurveyUpload.State.READY:
        return no(_("列の対応づけを確定し、検証でエラーがなくなってから作成できます。"), "not_validated")
    return YES


def may_download(user, package: SurveyPackage) -> Answer:
    """Download the encrypted file to burn the disc: HR of the contract, until the disc is handed over."""
    answer = may_see_survey(user, package.contract)
    if not answer:
        return answer
    if package.medium.state != Item.State.PREPARED or not package.has_file:
        return no(_("記録媒体 %(label)s はすでに渡したため、暗号化ファイルは削除しました。アプリからはダウンロードできません。")
                  % {"label": package.medium.label}, "handed_over")
    return YES


def may_print_notice(user, package: SurveyPackage) -> Answer:
    """Print the password notice: HR, once. A lost notice means a new package with a new password."""
    answer = may_see_survey(user, package.contract)
    if not answer:
        return answer
    if package.notice_printed:
        return no(_("パスワード通知書はすでに印刷しています。紛失した場合は、新しいパスワードでパッケージを作り直してください。"),
                  "already_printed")
    if not package.has_file:
        return no(_("暗号化ファイルが削除されたため、パスワードを確かめられません。パッケージを作り直してください。"), "no_file")
    return YES


# --- lookups for views -----------------------------------------------------------------------------


def survey_contract_for(user, slug: str) -> Contract:
    """The contract, for its HR; 404 to someone who may not see it, 403 to its other people."""
    contract = contract_for(user, slug, "view")
    if may_see_survey(user, contract).forbidden:
        raise PermissionDenied
    return contract


def upload_for(user, slug: str, pk: int) -> SurveyUpload:
    contract = survey_contract_for(user, slug)
    try:
        upload = SurveyUpload.objects.select_related("uploaded_by__profile").get(pk=pk, contract=contract)
    except SurveyUpload.DoesNotExist:
        raise Http404 from None
    upload.contract = contract
    return upload


def package_for(user, slug: str, pk: int) -> SurveyPackage:
    contract = survey_contract_for(user, slug)
    try:
        package = SurveyPackage.objects.select_related(
            "medium", "notice", "built_by__profile", "notice_printed_by__profile").get(pk=pk, contract=contract)
    except SurveyPackage.DoesNotExist:
        raise Http404 from None
    package.contract = contract
    return package

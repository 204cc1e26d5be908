"""Demo data: the FY2026 contract's survey, packaged from generated answers (engagement.synthetic).

HR (sato) uploads a LoGo フォーム export of invented staff with the attribute master, confirms the guessed
mapping (saved with the contract), accepts the proposal that reaches k=5 over 所属・職名・性別・年齢,
leaves the free-text findings masked, builds the package, prints the notice and downloads the file once
to burn it. The disc and its notice are in the ledger, prepared and ready to hand over; the upload is
purged; the encrypted file waits for the disc to be handed over. Everything goes through the services,
so the audit trail tells it as for a person. Safe to run twice.
"""

from django.db import transaction

from handover import services as handover_services
from handover.models import Item, MediumKind

from . import risk, services
from .models import SurveyPackage
from .synthetic import csv_bytes, generate

STAFF = 600
QUASI = ["所属", "職名", "性別", "年齢"]
K = 5


def add_to_demo(world) -> None:
    contract = world.current_contract
    if contract is None or contract.is_closed or SurveyPackage.objects.filter(contract=contract).exists():
        return
    hr = world.users["hr"]
    medium_kind, _ = MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})
    data = generate(STAFF, scale_questions=12, free_questions=1, seed=contract.fiscal_year,
                    colleague_mentions=0.05, survey_year=contract.fiscal_year)
    with transaction.atomic():
        upload = services.survey_upload(
            contract=contract, actor=hr,
            survey=services.UploadedFile("LoGo_回答.csv", csv_bytes(data.survey_headers, data.survey_rows)),
            master=services.UploadedFile("職員属性マスタ.csv", csv_bytes(data.master_headers, data.master_rows)))
        upload.contract = contract
        confirmed = services.survey_mapping_confirm(upload=upload, actor=hr, mapping=services.upload_mapping(upload))
        upload = confirmed.upload
        upload.contract = contract
        loaded = services.load(upload)
        quasi = list(QUASI)
        proposal = risk.propose(loaded.masked.values, quasi, K)
        if not proposal.reached:
            # As HR would on the risk page: drop the fewest columns that let k be reached within the limit.
            remedies = risk.remedies(loaded.masked.values, quasi, K)
            quasi = [h for h in quasi if h not in remedies.drop]
            proposal = remedies.drop_proposal
        # Every attribute column that leaves counts for k: the demo's other attributes stay at the ward.
        dropped = [h for h in loaded.dataset.attribute_headers if h not in quasi]
        upload = services.survey_risk_set(upload=upload, actor=hr, source="proposal", settings=services.RiskSettings(
            quasi=quasi, k=K, plan=proposal.changes, suppress=proposal.protection.suppressed_records > 0,
            dropped=dropped))
        upload.contract = contract
        made = services.survey_build(upload=upload, actor=hr, medium_label=services.next_medium_label(contract),
                                     medium_kind=medium_kind)
        services.survey_notice_print(package=made.package, actor=hr, password=made.password)
        services.survey_package_download(package=made.package, actor=hr)
        # Until they are handed over, the ward keeps the disc and its notice locked up (the ward's item 10).
        for item in (made.package.medium, made.package.notice):
            handover_services.storage_record(item=item, actor=hr, place="safe", location="人材育成等担当 執務室 金庫",
                                             locked=True)
    assert made.package.medium.state == Item.State.PREPARED

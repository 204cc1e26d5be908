"""Every write of the survey export, by what HR does on the pages (the engine in reading, mapping,
validation, dataset, risk, package and notice does the work): an upload kept encrypted, read back, swapped
or discarded (:mod:`.upload`); its column mapping confirmed and validated, kept with the contract and carried
to next year's (:mod:`.mapping`); the risk treatment and the free text (:mod:`.risk`); the package built,
registered in the handover ledger with its password notice, the notice printed and the file downloaded
(:mod:`.package`); the survey data purged (:mod:`.storage`). Callers say ``from engagement import services``
and ``services.survey_build(...)``: the names they use are here.

Seed 資料2-1 ③: HR compiles the answers with the staff attributes and writes them, password-encrypted,
to a CD-R (データ取りまとめ及びCD-R等で送付). Audit payloads hold counts, codes and the package's SHA-256,
never a value from the file, nor the password.
"""

from .mapping import Confirmed, next_year_carry, survey_mapping_confirm
from .package import (
    Built,
    default_notice_label,
    next_medium_label,
    survey_build,
    survey_notice_print,
    survey_notice_printed,
    survey_package_download,
    survey_package_register,
)
from .risk import (
    DEFAULT_MAX_SUPPRESSION_PERCENT,
    MAX_K,
    RiskSettings,
    outgoing,
    protection_for,
    risk_settings,
    survey_free_text_review,
    survey_risk_set,
)
from .storage import (
    contract_survey_data_purge,
    daily_purge,
    package_file_purge,
    retention,
    survey_data_purge,
    upload_purge,
)
from .upload import (
    Loaded,
    UploadedFile,
    finding_key,
    load,
    saved_mapping,
    survey_upload,
    survey_upload_discard,
    survey_upload_swap,
    upload_mapping,
)

__all__ = [
    "DEFAULT_MAX_SUPPRESSION_PERCENT",
    "MAX_K",
    "Built",
    "Confirmed",
    "Loaded",
    "RiskSettings",
    "UploadedFile",
    "contract_survey_data_purge",
    "daily_purge",
    "default_notice_label",
    "finding_key",
    "load",
    "next_medium_label",
    "next_year_carry",
    "outgoing",
    "package_file_purge",
    "protection_for",
    "retention",
    "risk_settings",
    "saved_mapping",
    "survey_build",
    "survey_data_purge",
    "survey_free_text_review",
    "survey_mapping_confirm",
    "survey_notice_print",
    "survey_notice_printed",
    "survey_package_download",
    "survey_package_register",
    "survey_risk_set",
    "survey_upload",
    "survey_upload_discard",
    "survey_upload_swap",
    "upload_mapping",
    "upload_purge",
]

"""Moved to :mod:`engagement.services` (its ``storage`` part). This name stays only for
``yearend/closing.py``, which imports ``contract_survey_data_purge`` from here and was being changed by
another hand when the survey services were folded into one package; once it imports from
``engagement.services``, this file goes."""

from .services.storage import contract_survey_data_purge

__all__ = ["contract_survey_data_purge"]

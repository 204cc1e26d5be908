import pytest

from engagement import risk
from engagement.dataset import build_dataset
from engagement.mapping import guess_answer_rules, guess_mapping
from engagement.package import build_package
from engagement.reading import read_table
from tests.engagement.helpers import master_csv, survey_csv


@pytest.fixture
def built(world):
    """A package of the helpers' 24 answers for contract A."""
    table = read_table(survey_csv(), "answers.csv")
    master = read_table(master_csv(), "master.csv")
    mapping = guess_answer_rules(guess_mapping(table.headers, master.headers), table)
    dataset = build_dataset(table, mapping, master)
    dropped = [h for h in dataset.attribute_headers if h not in ("所属", "性別")]
    dataset = dataset.without(dropped)
    protection = risk.propose(dataset.values, ["所属", "性別"], 5).protection
    return build_package(dataset, protection, contract_title=world.contract.title,
                         fiscal_year=world.contract.fiscal_year, contractor=str(world.contract.contractor),
                         dropped=dropped)


@pytest.fixture
def cd_r(db):
    from handover.models import MediumKind

    return MediumKind.objects.get_or_create(name="CD-R", defaults={"sort_order": 10})[0]

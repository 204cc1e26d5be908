import pytest

from contracttypes.demo import ensure_printing_type
from tests.factories import make_contract


@pytest.fixture
def printing(world):
    """A 印刷・封入封緘 contract of world's contractor (its four steps, data sent online, no media)."""
    kind = ensure_printing_type()
    return make_contract(hr=world.hr, ward=world.ward, contractor=world.contractor, slug="print-2025",
                         title="住民税納税通知書の印刷・封入封緘業務委託", project_name="住民税納税通知書の送付",
                         contract_type=kind)

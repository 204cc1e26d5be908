# The year's-end tests use the handover tests' clock, media and handover helpers.
from tests.handover.conftest import *  # noqa: F403

# The fault-tolerance fixtures (people, a case and its workflow) serve these tests too.
from tests.fault_tolerance.conftest import advance, new_case, people  # noqa: F401

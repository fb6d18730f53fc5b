from tests.earlywarning.conftest import NOW, TODAY, at_noon, plan  # noqa: F401
from tests.factories import SAFE_PLACEMENT  # noqa: F401

from tests.earlywarning.conftest import NOW, TODAY, at_noon, plan  # noqa: F401

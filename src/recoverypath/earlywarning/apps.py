import importlib

from django.apps import AppConfig

# Rule modules, each connecting its own signal receivers when imported. One module per source of
# signals, so each stage's rules stay together: attendance (scheduling), monitoring, aftercare...
RULE_MODULES = ("attendance", "checkins", "aftercare_rules", "rules", "risk")


class EarlywarningConfig(AppConfig):
    name = "recoverypath.earlywarning"
    label = "earlywarning"
    verbose_name = "Early warning"

    def ready(self) -> None:
        for module in RULE_MODULES:
            try:
                importlib.import_module(f"{self.name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{self.name}.{module}":
                    raise
        from recoverypath.core.hooks.alerts import register_alert_kind, register_alerts_changed
        from recoverypath.core.hooks.checkins import register_check_in_rule_inputs
        from recoverypath.core.hooks.navigation import register_nav_items

        from .attendance import ALERT_KIND as ABSENCES_KIND
        from .checkins import check_in_rule_inputs
        from .risk import on_alerts_changed
        from .views import nav_items

        register_alert_kind(ABSENCES_KIND, "Unexcused absences in a row")
        register_nav_items(nav_items)
        register_check_in_rule_inputs(check_in_rule_inputs)
        register_alerts_changed(on_alerts_changed)

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "recoverypath.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from recoverypath.clients.views import register_client_panel, register_home_section
        from recoverypath.core import navigation, todo

        from . import receivers, tasks  # noqa: F401  (care signals; the periodic task)
        from .views import client_panel, home_section, nav_items, todo_items

        navigation.register(nav_items)
        todo.register(todo_items)
        register_client_panel(client_panel)
        register_home_section(home_section)
        _register_family_sections()


def _register_family_sections() -> None:
    from recoverypath.consent.family import Category, register_family_section

    from .family import attendance_for_family, schedule_for_family

    register_family_section(Category.ATTENDANCE, attendance_for_family)
    register_family_section(Category.SCHEDULE, schedule_for_family)

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "recoverypath.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from recoverypath.core.hooks.appointments import register_appointment_source
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.family import register_family_section
        from recoverypath.core.hooks.navigation import register_nav_items
        from recoverypath.core.hooks.reminders import register_reminder_check
        from recoverypath.core.hooks.todo import register_todo_source

        from . import receivers, tasks  # noqa: F401  (care signals; the periodic task)
        from .family import attendance_for_family, schedule_for_family
        from .selectors import client_next_appointment
        from .services.reminders import KEY_PREFIX, session_reminder_wanted
        from .views import client_panel, home_section, nav_items, todo_items

        register_nav_items(nav_items)
        register_todo_source(todo_items)
        register_client_panel(client_panel)
        register_home_section(home_section)
        register_appointment_source(client_next_appointment)
        register_family_section("attendance", attendance_for_family)
        register_family_section("schedule", schedule_for_family)
        register_reminder_check(KEY_PREFIX, session_reminder_wanted)

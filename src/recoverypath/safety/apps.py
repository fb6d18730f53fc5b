from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "recoverypath.safety"
    label = "safety"
    verbose_name = "Safety"

    def ready(self) -> None:
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.offline import register_offline_page
        from recoverypath.core.hooks.todo import register_todo_source

        from . import views

        register_home_section(views.home_section, order=20)
        register_client_panel(views.client_panel)
        register_todo_source(views.todo_items)
        register_offline_page("safety:my_plan", order=20)
        register_offline_page("safety:my_help", order=30)

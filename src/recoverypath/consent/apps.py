from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "recoverypath.consent"
    label = "consent"
    verbose_name = "42 CFR Part 2 consents"

    def ready(self) -> None:
        from recoverypath.clients.views import (
            register_client_panel,
            register_home_destination,
            register_home_section,
        )
        from recoverypath.core import navigation, todo

        from . import family_views, invitations
        from .family import register_family_section, sobriety_for_family
        from .models import Category
        from .views import client_panel, home_section, todo_items

        register_client_panel(client_panel)
        register_home_section(home_section, order=80)
        register_home_destination(family_views.home_url)
        navigation.register(family_views.nav_items)
        todo.register(todo_items)
        invitations.register()
        register_family_section(Category.SOBRIETY, sobriety_for_family)

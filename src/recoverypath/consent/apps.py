from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "recoverypath.consent"
    label = "consent"
    verbose_name = "42 CFR Part 2 consents"

    def ready(self) -> None:
        from recoverypath.core.hooks.clients import (
            register_client_panel,
            register_home_destination,
            register_home_section,
        )
        from recoverypath.core.hooks.family import register_family_section
        from recoverypath.core.hooks.invitations import register_invitation_kind
        from recoverypath.core.hooks.navigation import register_nav_items
        from recoverypath.core.hooks.todo import register_todo_source

        from . import family_views
        from .family import sobriety_for_family
        from .invitations import FAMILY_INVITATION
        from .models import Category
        from .views import client_panel, home_section, todo_items

        register_client_panel(client_panel)
        register_home_section(home_section, order=80)
        register_home_destination(family_views.home_url)
        register_nav_items(family_views.nav_items)
        register_todo_source(todo_items)
        register_invitation_kind(FAMILY_INVITATION)
        register_family_section(Category.SOBRIETY, sobriety_for_family)

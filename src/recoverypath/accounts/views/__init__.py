"""HTML views of the accounts app, one module per subject; every view is importable from here
(the URL modules and other apps use `accounts.views.<name>`)."""

from .language import language_switch  # noqa: F401
from .security import (  # noqa: F401
    security,
    session_end,
    sign_out_everywhere,
    token_revoke,
)
from .sign_in import (  # noqa: F401
    PENDING_KEY,
    PENDING_SECONDS,
    LoginView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
    keep_alive,
    login_code,
    rate_limited,
)
from .staff import (  # noqa: F401
    audit_log,
    invitation_revoke,
    membership_remove,
    membership_role,
    nav_items,
    program_list,
    program_staff,
)
from .two_factor import (  # noqa: F401
    program_sign_in,
    staff_two_factor,
    staff_two_factor_reset,
    two_factor,
)

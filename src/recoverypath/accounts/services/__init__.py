"""Writes of the accounts app: API tokens, two-factor devices, signed-in sessions."""

from .languages import language_choose, user_language_set  # noqa: F401
from .logins import (  # noqa: F401
    invitations_revoke_pending,
    user_active_set,
    user_preferred_name_set,
)
from .programs import program_sign_in_update  # noqa: F401
from .sessions import (  # noqa: F401
    sessions_end_all,
    sign_in_record,
    sign_out_everywhere,
    signed_in_session_forget,
    signed_in_session_revoke,
)
from .staff import (  # noqa: F401
    membership_change_role,
    membership_remove,
    staff_invite,
)
from .tokens import (  # noqa: F401
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
    api_tokens_revoke_all,
)
from .two_factor import (  # noqa: F401
    recovery_codes_regenerate,
    two_factor_confirm,
    two_factor_remove,
    two_factor_reset,
    two_factor_start,
    two_factor_verify,
)

"""What an API token's sign-in loads with the user, in the same statement.

A token request authenticates with one SELECT (token, user, the user's program roles). Later apps
add relations of the user that nearly every request of theirs needs, as `select_related` paths
from the user (the clients app: a client's own record with its program and organization), so a
view finds them on `request.user` instead of looking them up again. Paths are single-valued
relations (forward or reverse one-to-one, foreign keys): Django refuses any other in
`select_related`.
"""

from __future__ import annotations

from . import Hook

user_joins: Hook[str] = Hook(
    "api token user joins",
    "select_related paths from the user loaded with an API token in the same statement",
)


def register_user_join(path: str, *, order: int = 100) -> str:
    if not path or not all(path.split("__")):
        raise ValueError(f"Not a select_related path: {path!r}")
    return user_joins.register(path, order=order, key=path)


def user_join_paths() -> list[str]:
    return user_joins.entries()

"""The application's URL map plus two bare views, the baselines the HTTP benchmarks measure against.

The bare views go through the same middleware on the same server as every other request, and do the
least a Django view can do with the database: insert one row, or read one row by primary key, and
answer JSON. What the application costs beyond them is its own.
"""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from recoverypath.urls import urlpatterns as app_urlpatterns

BARE_TABLE = "bench_bare_row"


def ensure_bare_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} "
            "(id integer PRIMARY KEY, client_id integer NOT NULL, day date NOT NULL, note text)"
            if connection.vendor == "sqlite"
            else f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} (id bigserial PRIMARY KEY, "
            "client_id integer NOT NULL, day date NOT NULL, note text)"
        )


@csrf_exempt
def bare_insert(request):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (client_id, day, note) VALUES (%s, CURRENT_DATE, %s)",
            [1, request.body[:200].decode(errors="replace")],
        )
    return JsonResponse({"ok": True}, status=201)


def bare_read(request, pk: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, first_name FROM clients_client WHERE id = %s", [pk])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0], "first_name": row[1]} if row else {}, status=200)


urlpatterns = [
    path("bench/bare-insert/", bare_insert),
    path("bench/bare-read/<int:pk>/", bare_read),
    *app_urlpatterns,
]

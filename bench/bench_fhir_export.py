"""Measure the FHIR bulk export worker: resources per second and peak memory, at two demo sizes.

Runnable alone: `.venv/bin/python bench/bench_fhir_export.py [N ...]` (default 1000 10000).
For each N: build an N-client demo organization on a fresh throw-away database (SQLite, or
BENCH_DATABASE_URL for PostgreSQL), queue a system `$export` for its admin, and run the worker's
job in a freshly spawned process, which reports its own peak RSS (ru_maxrss) so the memory
counted is the export's, not the demo build's. Every NDJSON line is parsed and validated with
fhir.resources afterwards (outside the timing). Prints the figures; exits 1 when the peak RSS at
the largest size exceeds the smallest's by more than 25% (memory must not grow with size).
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import sys
import time

from _harness import bench_django

GROWTH_LIMIT = 1.25


def _worker(export_id: str, queue) -> None:
    """Run in a spawned process: set Django up from the inherited environment and run the job."""
    import django

    django.setup()
    from recoverypath.interop.fhir import bulk

    started = time.perf_counter()
    export = bulk.export_run(export_id=export_id)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, peak_kib, export.status if export else "not run"))


def _one(clients: int) -> dict:
    with bench_django(f"fhir-export-{clients}", web=False):
        from django.db import connection
        from django.utils import timezone
        from fhir.resources.R4B import get_fhir_model_class

        from recoverypath.accounts.models import User
        from recoverypath.demo import generator
        from recoverypath.interop.fhir import bulk
        from recoverypath.interop.models import BulkExport

        started = time.perf_counter()
        generator.build(clients=clients, seed=7)
        built = time.perf_counter() - started
        admin = User.objects.get(email="admin.7@demo.example.org")
        export = BulkExport.objects.create(
            requester=admin,
            level=BulkExport.Level.SYSTEM,
            types=list(bulk.RESOURCE_TYPES),
            request_url="bench/$export",
            transaction_time=timezone.now(),
        )
        connection.close()
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        process = context.Process(target=_worker, args=(str(export.id), queue))
        process.start()
        while True:
            try:
                seconds, peak_kib, status = queue.get(timeout=5)
                break
            except Exception:  # queue.Empty: is the worker still alive?
                if not process.is_alive():
                    raise SystemExit(f"the export worker died (exit {process.exitcode})") from None
        process.join()
        export.refresh_from_db()
        resources = sum(f.count for f in export.files.all())
        # Validate every line (not timed).
        checked = 0
        for file in export.files.all():
            model = get_fhir_model_class(file.resource_type)
            with (bulk._files_dir(export) / file.name).open(encoding="utf-8") as handle:
                for line in handle:
                    model.model_validate(json.loads(line))
                    checked += 1
        return {
            "clients": clients,
            "database": connection.vendor,
            "built_seconds": built,
            "status": status,
            "resources": resources,
            "validated": checked,
            "seconds": seconds,
            "per_second": resources / seconds if seconds else 0.0,
            "peak_rss_mib": peak_kib / 1024,
            "files": {f.resource_type: f.count for f in export.files.order_by("resource_type")},
        }


def main() -> int:
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 10_000]
    results = []
    for clients in sizes:
        result = _one(clients)
        results.append(result)
        print(
            f"{result['clients']:>6} clients ({result['database']}): demo built in "
            f"{result['built_seconds']:.0f} s; export {result['status']}: "
            f"{result['resources']:,} resources in {result['seconds']:.1f} s = "
            f"{result['per_second']:,.0f} resources/s; worker peak RSS "
            f"{result['peak_rss_mib']:.0f} MiB; {result['validated']:,} NDJSON lines validated",
            flush=True,
        )
        print("        per type: " + ", ".join(f"{k} {v:,}" for k, v in result["files"].items()))
    if len(results) > 1:
        growth = results[-1]["peak_rss_mib"] / results[0]["peak_rss_mib"]
        print(f"peak RSS ratio largest/smallest: {growth:.2f} (limit {GROWTH_LIMIT})")
        return 0 if growth <= GROWTH_LIMIT else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

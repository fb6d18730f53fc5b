"""Measure the FHIR bulk export worker: resources per second and peak memory, at two demo sizes.

Runnable alone: `.venv/bin/python bench/bench_fhir_export.py [--budget SECONDS] [N ...]`
(default sizes 50 and 150: `make bench`'s small size; pass larger ones to measure them). For
each N: build an N-client demo organization on a fresh throw-away database (SQLite, or
BENCH_DATABASE_URL for PostgreSQL), queue a system `$export` for
its admin, and run the worker's job in a freshly spawned process. The parent samples the
worker's peak resident memory from /proc/<pid>/status (VmHWM: the high-water mark of the
worker's own address space since exec, so the demo build is not counted) and its progress.
The first VALIDATE_LINES NDJSON lines of each resource type are parsed and validated with
fhir.resources afterwards (outside the timing; tests/interop validate the export line by line).

With --budget, an export still running after that many seconds is measured as it stands (lines
written so far, clients done, peak memory so far) and then cancelled, so a large size can be
sampled on a slow machine; the output says so.

Prints the figures; exits 1 when the worker's peak memory at the largest size exceeds the
smallest's by more than 25% (memory must not grow with the size of the export).
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

from _harness import bench_django

GROWTH_LIMIT = 1.25
# Lines of each resource type validated after a run (fhir.resources validates about a thousand a
# second here: every line of a large export would take longer than the export).
VALIDATE_LINES = 2_000


def _worker(export_id: str, queue) -> None:
    """Run in a spawned process: set Django up from the inherited environment and run the job."""
    import django

    django.setup()
    from recoverypath.interop.fhir import bulk

    started = time.perf_counter()
    export = bulk.export_run(export_id=export_id)
    queue.put((time.perf_counter() - started, export.status if export else "cancelled"))


def _hwm_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _lines(folder: Path) -> int:
    total = 0
    for path in folder.glob("*.ndjson"):
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                total += chunk.count(b"\n")
    return total


def _one(clients: int, budget: float | None) -> dict:
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
        started = time.perf_counter()
        process.start()
        peak = 0.0
        partial = None
        result = None
        while result is None:
            peak = max(peak, _hwm_mib(process.pid))
            try:
                result = queue.get(timeout=2)
            except Exception:  # queue.Empty
                if not process.is_alive():
                    raise SystemExit(f"the export worker died (exit {process.exitcode})") from None
                elapsed = time.perf_counter() - started
                if budget and elapsed > budget:
                    # Sample, then stop the worker (a cancel written from here would contend with
                    # the worker's own writes for SQLite's lock).
                    partial = {
                        "seconds": elapsed,
                        "resources": _lines(bulk._files_dir(export)),
                        "clients_done": BulkExport.objects.values_list(
                            "clients_done", flat=True
                        ).get(id=export.id),
                    }
                    process.terminate()
                    break
        process.join()
        export.refresh_from_db()
        if partial is not None or result is None:
            assert partial is not None
            return {
                "clients": clients,
                "database": connection.vendor,
                "built_seconds": built,
                "status": f"sampled after {partial['seconds']:.0f} s, then stopped",
                "resources": partial["resources"],
                "clients_done": partial["clients_done"],
                "validated": 0,
                "seconds": partial["seconds"],
                "per_second": partial["resources"] / partial["seconds"],
                "peak_rss_mib": peak,
                "files": {},
            }
        seconds, status = result
        resources = sum(f.count for f in export.files.all())
        checked = 0
        for file in export.files.all():
            model = get_fhir_model_class(file.resource_type)
            with (bulk._files_dir(export) / file.name).open(encoding="utf-8") as handle:
                for number, line in enumerate(handle):
                    if number >= VALIDATE_LINES:
                        break
                    model.model_validate(json.loads(line))
                    checked += 1
        return {
            "clients": clients,
            "database": connection.vendor,
            "built_seconds": built,
            "status": status,
            "resources": resources,
            "clients_done": export.clients_done,
            "validated": checked,
            "seconds": seconds,
            "per_second": resources / seconds if seconds else 0.0,
            "peak_rss_mib": peak,
            "files": {f.resource_type: f.count for f in export.files.order_by("resource_type")},
        }


def _in_own_process(clients: int, budget: float | None) -> dict:
    """Measure one size in a fresh interpreter: Django is set up once per process, so a second
    size in the same process would reuse the first size's database."""
    command = [sys.executable, __file__, "--one", str(clients)]
    if budget:
        command += ["--budget", str(budget)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {clients} clients failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    args = sys.argv[1:]
    one = args[:1] == ["--one"]
    if one:
        args = args[1:]
        clients = int(args[0])
        args = args[1:]
    budget = None
    if args[:1] == ["--budget"]:
        budget = float(args[1])
        args = args[2:]
    if one:
        print(json.dumps(_one(clients, budget)))
        return 0
    sizes = [int(arg) for arg in args] or [50, 150]
    results = []
    for clients in sizes:
        result = _in_own_process(clients, budget)
        results.append(result)
        print(
            f"{result['clients']:>6} clients ({result['database']}): demo built in "
            f"{result['built_seconds']:.0f} s; export {result['status']}: "
            f"{result['clients_done']:,} clients, {result['resources']:,} resources in "
            f"{result['seconds']:.1f} s = {result['per_second']:,.0f} resources/s; worker peak "
            f"RSS (VmHWM) {result['peak_rss_mib']:.0f} MiB; "
            f"{result['validated']:,} NDJSON lines validated (up to {VALIDATE_LINES:,} a type)",
            flush=True,
        )
        if result["files"]:
            print(
                "        per type: " + ", ".join(f"{k} {v:,}" for k, v in result["files"].items())
            )
    if len(results) > 1:
        growth = results[-1]["peak_rss_mib"] / results[0]["peak_rss_mib"]
        print(f"peak RSS ratio largest/smallest: {growth:.2f} (limit {GROWTH_LIMIT})")
        return 0 if growth <= GROWTH_LIMIT else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

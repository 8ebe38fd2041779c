"""``make bench``: seed N lettings, start the production start script, load each page with wrk, print a table.

For each size N it creates a fresh PostgreSQL database, migrates it, seeds N lettings with
``bench/seed.py``, starts ``bin/start web`` (gunicorn, 2 workers) and runs wrk with 16 connections
against every page type and the floor (``/healthz/live``, no query). It prints one table (page, N,
requests/s, p50, p95, p99, queries per request, throughput as a ratio of the floor in the same run)
and writes it as JSON for comparison between commits.

    python bench/run.py --sizes 10,1000,100000 --duration 5 --json bench/results/latest.json
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from site_cms.tests.servers import fresh_postgres_database, manage, production_env, running_site  # noqa: E402

FLOOR = "floor (/healthz/live)"


def pages(size: int) -> dict[str, str]:
    """Return the page names and paths measured at ``size`` lettings."""
    per_page = 12
    last_page = max(1, -(-size // per_page))
    middle = size // 2
    return {
        FLOOR: "/healthz/live",
        "home": "/",
        "lettings, first page": "/lettings/",
        "lettings, deep page": f"/lettings/?page={last_page}",
        "lettings, state filter": "/lettings/?state=GA",
        "a letting": f"/lettings/bench-letting-{middle:06d}/",
        "profiles index": "/profiles/",
        "a profile": f"/profiles/bench{middle:06d}/",
        "search a city": "/search/?q=Savannah",
    }


def run_wrk(url: str, duration: int, connections: int) -> dict:
    """Load ``url`` with wrk and return its JSON report, with requests/s added."""
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "-s",
            str(PROJECT_DIR / "bench" / "wrk_report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    return report


def measure(size: int, args) -> list[dict]:
    """Seed ``size`` lettings in a fresh database and measure every page; return the rows."""
    work = Path(tempfile.mkdtemp(prefix=f"oc-bench-{size}-"))
    rows = []
    with fresh_postgres_database("oc_bench") as database:
        env = production_env(
            f"postgres://postgres@127.0.0.1:5432/{database}",
            work,
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            SITE_HTTPS="false",
            LOG_LEVEL="WARNING",
        )
        manage("collectstatic", "--noinput", env=env)
        manage("migrate", "--noinput", env=env)
        started = time.monotonic()
        subprocess.run([sys.executable, "bench/seed.py", str(size)], cwd=PROJECT_DIR, env=env, check=True)
        print(f"N={size}: seeded in {time.monotonic() - started:.1f} s", flush=True)
        targets = pages(size)
        counted = subprocess.run(
            [sys.executable, "bench/queries.py", *targets.values()],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        queries = json.loads(counted.stdout.strip().splitlines()[-1])  # logs may come before the JSON
        with running_site(["web"], env, work / "server.log") as (base_url, started_in):
            print(f"N={size}: first 200 after {started_in:.2f} s", flush=True)
            for name, path in targets.items():
                run_wrk(base_url + path, 1, args.connections)  # warm-up: renditions, caches, connections
                report = run_wrk(base_url + path, args.duration, args.connections)
                rows.append({"page": name, "n": size, "path": path, "queries": queries[path], **report})
    shutil.rmtree(work, ignore_errors=True)
    floor = next(row["rps"] for row in rows if row["page"] == FLOOR)
    for row in rows:
        row["ratio_to_floor"] = row["rps"] / floor
    return rows


def print_table(rows: list[dict]) -> None:
    """Print the benchmark table."""
    header = f"{'page':<26}{'N':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'queries':>9}{'x floor':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['page']:<26}{row['n']:>8}{row['rps']:>9.0f}{row['p50'] / 1000:>9.1f}{row['p95'] / 1000:>9.1f}"
            f"{row['p99'] / 1000:>9.1f}{row['queries']:>9}{row['ratio_to_floor']:>9.2f}"
        )


def main() -> None:
    """Parse the options, measure every size, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,100000", help="comma-separated numbers of lettings")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", type=Path, default=PROJECT_DIR / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    rows = []
    for size in (int(value) for value in args.sizes.split(",")):
        rows.extend(measure(size, args))
    print_table(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2))
    print(f"JSON written to {args.json}")


if __name__ == "__main__":
    main()

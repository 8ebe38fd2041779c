"""``make bench``: seed N lettings, start the production start script, load each page with wrk, print a table.

For each size N it creates a fresh PostgreSQL database, migrates it, seeds N lettings with
``bench/seed.py``, and starts ``bin/start web`` (gunicorn, 2 workers, Redis as the cache) twice:
once with the page cache (what anonymous visitors get, then a logged-in editor) and once without
it (a first visit). Each time it runs wrk with 16 connections against every page type and the
floor (``/healthz/live``, no query). At one size (10,000 by default) it then sends 10,000 uncached
requests over all pages and reads the workers' memory after 5,000 and 10,000.

It prints one table (mode, page, N, requests/s, p50, p95, p99, queries per request, throughput as a
ratio of the floor measured in the same server run, the mean of a measure before and one after the
pages), then each goal of the benchmark beside its measured value, and writes everything as JSON
for comparison between commits.

    python bench/run.py --sizes 10,1000,10000,100000 --duration 5 --json bench/results/latest.json
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from testing.servers import (  # noqa: E402
    build_site,
    fresh_postgres_database,
    production_env,
    rss_mib,
    running_server,
)

FLOOR = "floor (/healthz/live)"
CACHED, UNCACHED, EDITOR = "cached", "uncached", "editor"
# Pages with a goal of their own when nothing is cached for them: a first visit, or a logged-in editor.
UNCACHED_GOAL_PAGES = ("home", "lettings, first page", "a letting", "profiles index", "search a city")
BURST_SECONDS = 5
WARM_UP_SECONDS = 3  # a mixed load over every page when a server has started, before the first measure
MIX_LETTINGS = 200  # letting pages in the mixed load of the burst check, spread over the seeded ones
REDIS_URL = "redis://127.0.0.1:6379/15"  # the benchmark's own Redis database, flushed for every run
GOALS = {
    "flat_p95_ratio": 1.3,  # p95 at the largest N within 1.3x of p95 at the smallest, every page
    "uncached_ratio_at_10000": 0.2,  # UNCACHED_GOAL_PAGES, uncached and as an editor, vs the floor
    "cached_ratio": 0.8,  # cached pages vs the floor
    "burst_ratio": 0.5,  # mixed load in the 5 s after one letting's publish, vs the 5 s before
    "rss_mib": 150,
    "rss_growth_percent": 5,
    "first_200_seconds": 5,
}


def pages(size: int, middle_pk: int) -> dict[str, str]:
    """Return the page names and paths measured at ``size`` lettings (``middle_pk``: the middle letting)."""
    middle = size // 2
    # A three-night stay a week ahead: the seed books a share of the lettings on some of those nights.
    check_in = datetime.date.today() + datetime.timedelta(days=7)
    stay = (check_in.isoformat(), (check_in + datetime.timedelta(days=3)).isoformat())
    return {
        FLOOR: "/healthz/live",
        "home": "/",
        "lettings, first page": "/lettings/",
        "lettings, deep page": f"/lettings/?after={middle_pk}",
        # Values the first ten seeded lettings match (bench/seed.py): a filter that finds nothing at
        # N=10 is never stored (a flood guard) and would measure that instead of the page.
        "lettings, state filter": "/lettings/?state=AL",
        "lettings, dates + guests": f"/lettings/?check_in={stay[0]}&check_out={stay[1]}&guests=4",
        "lettings, amenity + pets": "/lettings/?amenity=9&pets=1&sort=-price",
        "lettings, price deep page": f"/lettings/?sort=price&after={middle_pk}",
        "a letting": f"/lettings/bench-letting-{middle:06d}/",
        "profiles index": "/profiles/",
        "a profile": f"/profiles/bench{middle:06d}/",
        "search a city": "/search/?q=Savannah",
    }


def run_wrk(
    url: str, duration: int, connections: int, *, headers: tuple[str, ...] = (), paths_file: Path | None = None
) -> dict:
    """Load ``url`` with wrk and return its JSON report, with requests/s added.

    ``headers`` are sent with every request (an editor's session cookie); with ``paths_file`` wrk
    cycles over the paths it lists (``bench/wrk_mix.lua``) instead of loading one URL.
    """
    script = "wrk_mix.lua" if paths_file else "wrk_report.lua"
    extra = [argument for header in headers for argument in ("-H", header)]
    result = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            *extra,
            "-s",
            str(PROJECT_DIR / "bench" / script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_PATHS": str(paths_file or ""), "BENCH_DIR": str(PROJECT_DIR / "bench")},
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    return report


def middle_letting_pk(database_url: str, size: int) -> int:
    """Return the page id of the middle seeded letting (the cursor of the deep listing page)."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT id FROM wagtailcore_page WHERE slug = %s", [f"bench-letting-{size // 2:06d}"]
        ).fetchone()
    return row[0]


def count_queries(env: dict[str, str], paths: list[str]) -> dict[str, int]:
    """Return the queries each path runs on a second, uncached visit (``bench/queries.py``)."""
    counted = subprocess.run(
        [sys.executable, "bench/queries.py", *paths],
        cwd=PROJECT_DIR,
        env={**env, "PAGE_CACHE_SECONDS": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(counted.stdout.strip().splitlines()[-1])  # logs may come before the JSON


def send_requests(urls: list[str], count: int, workers: int = 8) -> None:
    """Send ``count`` GET requests cycling over ``urls`` from ``workers`` threads; fail on any error status."""

    def fetch(number: int) -> None:
        with urllib.request.urlopen(urls[number % len(urls)], timeout=30) as response:
            response.read()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(fetch, range(count)))


def measure_memory(server, targets: dict[str, str]) -> dict:
    """Send 10,000 uncached requests over every page; return worker RSS after 5,000 and 10,000."""
    urls = [server.base_url + path for name, path in targets.items() if name != FLOOR]
    send_requests(urls, 5000)
    at_5000 = {pid: rss_mib(pid) for pid in server.worker_pids()}
    send_requests(urls, 5000)
    at_10000 = {pid: rss_mib(pid) for pid in server.worker_pids()}
    growth = [100 * (at_10000[pid] - at_5000[pid]) / at_5000[pid] for pid in at_10000 if pid in at_5000]
    return {
        "rss_mib_after_5000": sorted(at_5000.values()),
        "rss_mib_after_10000": sorted(at_10000.values()),
        "max_rss_mib": max(at_10000.values()),
        "max_growth_percent": max(growth),
        "same_workers": set(at_5000) == set(at_10000),
    }


def editor(env: dict[str, str], *args: str) -> str:
    """Run ``bench/editor.py`` (a session, a publish, a clear) against the benchmark database; return its output."""
    done = subprocess.run(
        [sys.executable, "bench/editor.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""  # logs may come first


def measure_editor(server, env: dict[str, str], targets: dict[str, str], size: int, args) -> list[dict]:
    """Load every page as a logged-in editor (a session cookie, the Wagtail user bar).

    An editor reads the pages visitors read: each page is first read anonymously, so the editor
    gets the visitors' cached copy with their user bar (``pagecache.userbar``) once a full render
    has shown it. Creating the editor starts a new content generation, hence the anonymous read.
    """
    cookie = f"Cookie: sessionid={editor(env, 'session')}"
    rows = []
    for name, path in targets.items():
        headers = () if name == FLOOR else (cookie,)
        send_requests([server.base_url + path], 2, workers=1)  # the visitors' copy, as in the cached run
        run_wrk(server.base_url + path, 1, args.connections, headers=headers)
        report = run_wrk(server.base_url + path, args.duration, args.connections, headers=headers)
        rows.append({"mode": EDITOR, "page": name, "n": size, "path": path, "queries": "-", **report})
    return rows


def mean_floor(server, rows: list[dict], args) -> float:
    """Measure the floor again after the pages; return the mean of both measures, and note both on its row.

    A run takes a minute or two on a shared machine: every page is compared with the floor as it was
    over the whole run, not only at its start.
    """
    row = next(row for row in rows if row["page"] == FLOOR)
    again = run_wrk(server.base_url + row["path"], args.duration, args.connections)
    row["floor_rps_first"], row["floor_rps_last"] = row["rps"], again["rps"]
    return (row["rps"] + again["rps"]) / 2


def measure_burst(server, env: dict[str, str], size: int, work: Path, args) -> dict:
    """Throughput of a mixed anonymous load before and in the 5 s after a publish, cached pages warm.

    The mix is what visitors read: the listing, home, search, profiles and 200 letting pages. One
    letting's publish should leave the other letting pages cached; a clear of everything (what every
    publish did before) is measured the same way, for comparison.
    """
    step = max(size // MIX_LETTINGS, 1)
    lettings = [f"/lettings/bench-letting-{number:06d}/" for number in range(0, size, step)][:MIX_LETTINGS]
    paths = ["/", "/lettings/", "/search/?q=Savannah", "/profiles/", *lettings]
    paths_file = work / "mix.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    url = server.base_url + "/"

    def steady_then_after(change: tuple[str, ...]) -> tuple[dict, dict]:
        send_requests([server.base_url + path for path in paths], 2 * len(paths))  # every page cached
        before = run_wrk(url, BURST_SECONDS, args.connections, paths_file=paths_file)
        editor(env, *change)  # returns once the change is committed and the page cache told
        after = run_wrk(url, BURST_SECONDS, args.connections, paths_file=paths_file)
        return before, after

    publish_before, publish_after = steady_then_after(("publish", lettings[len(lettings) // 2].split("/")[2]))
    clear_before, clear_after = steady_then_after(("clear",))
    return {
        "steady_rps": publish_before["rps"],
        "after_publish_rps": publish_after["rps"],
        "after_publish_p95_ms": publish_after["p95"] / 1000,
        "steady_p95_ms": publish_before["p95"] / 1000,
        "clear_all_steady_rps": clear_before["rps"],
        "after_clear_all_rps": clear_after["rps"],
        "after_clear_all_p95_ms": clear_after["p95"] / 1000,
    }


def measure(size: int, args) -> tuple[list[dict], dict]:
    """Seed ``size`` lettings in a fresh database and measure every page, cached and uncached."""
    import redis

    work = Path(tempfile.mkdtemp(prefix=f"oc-bench-{size}-"))
    rows, extra = [], {}
    with fresh_postgres_database("oc_bench") as database:
        database_url = f"postgres://postgres@127.0.0.1:5432/{database}"
        env = production_env(
            database_url,
            work,
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            SITE_HTTPS="false",
            LOG_LEVEL="WARNING",
            REDIS_URL=REDIS_URL,
        )
        print(f"N={size}: seeded in {build_site(env, size):.1f} s", flush=True)
        targets = pages(size, middle_letting_pk(database_url, size))
        queries = count_queries(env, list(targets.values()))
        for mode in (CACHED, UNCACHED):
            redis.Redis.from_url(REDIS_URL).flushdb()
            mode_env = {**env, "PAGE_CACHE_SECONDS": "600" if mode == CACHED else "0"}
            with running_server(["web"], mode_env, work / f"server-{mode}.log") as server:
                print(f"N={size} {mode}: first 200 after {server.started_in:.2f} s", flush=True)
                extra.setdefault("first_200_seconds", []).append(server.started_in)
                # Both workers warm on every page (connections, templates, renditions) before any is measured.
                every_page = work / "every-page.txt"
                every_page.write_text("\n".join(targets.values()) + "\n")
                run_wrk(server.base_url + "/", WARM_UP_SECONDS, args.connections, paths_file=every_page)
                mode_rows = []
                for name, path in targets.items():
                    run_wrk(server.base_url + path, 1, args.connections)  # warm-up: renditions, caches, connections
                    report = run_wrk(server.base_url + path, args.duration, args.connections)
                    queries_made = 0 if mode == CACHED and name != FLOOR else queries[path]
                    mode_rows.append(
                        {"mode": mode, "page": name, "n": size, "path": path, "queries": queries_made, **report}
                    )
                floor = mean_floor(server, mode_rows, args)
                for row in mode_rows:
                    row["ratio_to_floor"] = row["rps"] / floor
                if mode == CACHED:  # the editor's session bypasses the page cache; same server, same floor
                    print(f"N={size}: as a logged-in editor", flush=True)
                    editor_rows = measure_editor(server, mode_env, targets, size, args)
                    editor_floor = mean_floor(server, editor_rows, args)
                    for row in editor_rows:
                        row["ratio_to_floor"] = row["rps"] / editor_floor
                    mode_rows.extend(row for row in editor_rows if row["page"] != FLOOR)
                    if size == args.memory_at:
                        print(f"N={size}: mixed load before and after a publish", flush=True)
                        extra["burst"] = {"n": size, **measure_burst(server, mode_env, size, work, args)}
                rows.extend(mode_rows)
                if mode == UNCACHED and size == args.memory_at:
                    print(f"N={size}: 10,000 uncached requests for the memory check", flush=True)
                    extra["memory"] = measure_memory(server, targets)
    shutil.rmtree(work, ignore_errors=True)
    return rows, extra


def print_table(rows: list[dict]) -> None:
    """Print the benchmark table."""
    header = (
        f"{'mode':<10}{'page':<28}{'N':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'queries':>8}{'x floor':>8}{'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['mode']:<10}{row['page']:<28}{row['n']:>8}{row['rps']:>8.0f}{row['p50'] / 1000:>9.1f}"
            f"{row['p95'] / 1000:>9.1f}{row['p99'] / 1000:>9.1f}{row['queries']!s:>8}{row['ratio_to_floor']:>8.2f}"
            f"{row['errors'] + row['non_2xx_3xx']:>7}"
        )


def goals(rows: list[dict], extra: dict) -> list[dict]:
    """Return each goal of the benchmark with its measured value and whether it is met."""
    results = []
    sizes = sorted({row["n"] for row in rows})
    by_key = {(row["mode"], row["page"], row["n"]): row for row in rows}
    if len(sizes) > 1:
        # At N=10 a filter or a search shows one or two lettings, at larger N a full page of twelve:
        # the ratio to the second size (same page size) is printed beside it, to tell data from output.
        for mode in (CACHED, UNCACHED, EDITOR):
            for page in dict.fromkeys(row["page"] for row in rows if row["page"] != FLOOR):
                small, large = by_key[(mode, page, sizes[0])], by_key[(mode, page, sizes[-1])]
                ratio = large["p95"] / small["p95"]
                measured = f"{ratio:.2f}"
                if len(sizes) > 2:
                    measured += f" (vs N={sizes[1]}: {large['p95'] / by_key[(mode, page, sizes[1])]['p95']:.2f})"
                results.append(
                    {
                        "goal": f"{mode} {page}: p95 at N={sizes[-1]} / p95 at N={sizes[0]}",
                        "target": f"<= {GOALS['flat_p95_ratio']}",
                        "measured": measured,
                        "met": ratio <= GOALS["flat_p95_ratio"],
                    }
                )
    for mode in (UNCACHED, EDITOR):
        for page in UNCACHED_GOAL_PAGES:
            row = by_key.get((mode, page, 10000))
            if row:
                results.append(
                    {
                        "goal": f"{mode} {page} at N=10000, x floor",
                        "target": f">= {GOALS['uncached_ratio_at_10000']}",
                        "measured": f"{row['ratio_to_floor']:.2f}",
                        "met": row["ratio_to_floor"] >= GOALS["uncached_ratio_at_10000"],
                    }
                )
    if burst := extra.get("burst"):
        ratio = burst["after_publish_rps"] / burst["steady_rps"]
        results.append(
            {
                "goal": f"mixed load 5 s after a letting's publish / 5 s before (N={burst['n']})",
                "target": f">= {GOALS['burst_ratio']}",
                "measured": f"{ratio:.2f} ({burst['after_publish_rps']:.0f} vs {burst['steady_rps']:.0f} req/s)",
                "met": ratio >= GOALS["burst_ratio"],
            }
        )
        cleared = burst["after_clear_all_rps"] / burst["clear_all_steady_rps"]
        results.append(
            {
                "goal": "  for comparison: after clearing everything / before",
                "target": "-",
                "measured": f"{cleared:.2f} ({burst['after_clear_all_rps']:.0f} vs "
                f"{burst['clear_all_steady_rps']:.0f})",
                "met": True,
            }
        )
    cached = [row for row in rows if row["mode"] == CACHED and row["page"] != FLOOR]  # editor rows are apart
    if cached:
        worst = min(cached, key=lambda row: row["ratio_to_floor"])
        results.append(
            {
                "goal": "cached pages, x floor (worst page and size)",
                "target": f">= {GOALS['cached_ratio']}",
                "measured": f"{worst['ratio_to_floor']:.2f} ({worst['page']}, N={worst['n']})",
                "met": worst["ratio_to_floor"] >= GOALS["cached_ratio"],
            }
        )
    if memory := extra.get("memory"):
        results.append(
            {
                "goal": "worker RSS after 10,000 requests (MiB)",
                "target": f"<= {GOALS['rss_mib']}",
                "measured": f"{memory['max_rss_mib']:.1f}",
                "met": memory["max_rss_mib"] <= GOALS["rss_mib"],
            }
        )
        results.append(
            {
                "goal": "worker RSS growth from 5,000 to 10,000 requests (%)",
                "target": f"< {GOALS['rss_growth_percent']}",
                "measured": f"{memory['max_growth_percent']:.2f}",
                "met": memory["max_growth_percent"] < GOALS["rss_growth_percent"] and memory["same_workers"],
            }
        )
    slowest_start = max(extra.get("first_200_seconds", [0]))
    results.append(
        {
            "goal": "start script launch to first 200 (s, slowest start)",
            "target": f"<= {GOALS['first_200_seconds']}",
            "measured": f"{slowest_start:.2f}",
            "met": slowest_start <= GOALS["first_200_seconds"],
        }
    )
    return results


def print_goals(results: list[dict]) -> None:
    """Print the goals beside the measured values."""
    print()
    print(f"{'goal':<72}{'target':>9}  {'measured':<36}met")
    for result in results:
        print(f"{result['goal']:<72}{result['target']:>9}  {result['measured']:<36}{'yes' if result['met'] else 'NO'}")


def main() -> None:
    """Parse the options, measure every size, print the table and the goals, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000,100000", help="comma-separated numbers of lettings")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--memory-at", type=int, default=10000, help="size at which to run the memory check")
    parser.add_argument("--json", type=Path, default=PROJECT_DIR / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    rows, extra = [], {}
    for size in (int(value) for value in args.sizes.split(",")):
        size_rows, size_extra = measure(size, args)
        rows.extend(size_rows)
        extra.setdefault("first_200_seconds", []).extend(size_extra.pop("first_200_seconds", []))
        extra.update(size_extra)
    rows.sort(key=lambda row: (row["mode"], row["n"]))
    print_table(rows)
    results = goals(rows, extra)
    print_goals(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"rows": rows, "extra": extra, "goals": results}, indent=2))
    print(f"JSON written to {args.json}")


if __name__ == "__main__":
    main()

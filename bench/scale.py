"""``make bench-scale``: two web processes ("dynos") sharing PostgreSQL, Redis and S3.

It seeds a database, starts moto's S3 server, and runs ``bin/start web`` twice on two ports with
the same environment, as Heroku runs two dynos of one release. Then it checks, over HTTP only:

1. an editor logged in on dyno A uploads a photo and publishes a letting with it;
2. dyno B, whose visitors had the listing cached a moment before, lists the new letting on the
   next request and serves its page, whose photo renditions B makes from the original in S3;
3. the renditions' URLs answer from the S3 server.

Last it measures the throughput of one dyno and of two under the same load (wrk, 16 connections
split over the dynos), uncached, one worker per dyno so the two cores are shared fairly.

    python bench/scale.py --lettings 1000 --duration 5
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

# The check builds the editor's admin forms with Wagtail's test helpers, which read Django's settings
# (the dynos themselves run with production settings in their own processes).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.test")
import django  # noqa: E402

django.setup()

from bench.run import run_wrk  # noqa: E402
from testing.dynos import check_shared_state, two_dynos  # noqa: E402


def throughput(urls: list[str], duration: int, connections: int) -> float:
    """Load every URL in ``urls`` at once (connections split between them); return the total requests/s."""
    reports = [None] * len(urls)

    def load(position: int, url: str) -> None:
        reports[position] = run_wrk(url, duration, connections // len(urls))

    threads = [threading.Thread(target=load, args=(n, url)) for n, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(report["rps"] for report in reports)


def main() -> None:
    """Seed, start S3 and two dynos, run the shared-state check and the throughput comparison, print both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lettings", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per measurement")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="oc-scale-"))
    with two_dynos(work, args.lettings) as (env, dynos, password):
        results = check_shared_state(dynos[0].base_url, dynos[1].base_url, env, password)
    print("Shared state across two dynos (PostgreSQL, Redis, S3):")
    for name, value in results.items():
        print(f"  {name}: {value}")

    page = "/lettings/?state=GA"
    with two_dynos(work, args.lettings, PAGE_CACHE_SECONDS="0") as (_env, dynos, _password):
        throughput([dynos[0].base_url + page], 1, args.connections)  # warm-up
        throughput([dynos[1].base_url + page], 1, args.connections)
        one = throughput([dynos[0].base_url + page], args.duration, args.connections)
        two = throughput([dyno.base_url + page for dyno in dynos], args.duration, args.connections)
    shutil.rmtree(work, ignore_errors=True)
    print(f"Throughput on {page} at {args.lettings} lettings, uncached, one worker per dyno, "
          f"{args.connections} connections:")  # fmt: skip
    print(f"  one dyno: {one:.0f} requests/s; two dynos: {two:.0f} requests/s ({two / one:.2f}x)")
    output = PROJECT_DIR / "bench" / "results" / "scale.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"shared_state": results, "one_dyno_rps": one, "two_dynos_rps": two}, indent=2))
    print(f"JSON written to {output}")


if __name__ == "__main__":
    main()

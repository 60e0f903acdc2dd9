"""`{ __typename }` over HTTP against a bare Starlette JSON route on the same server.

Goal (issue 2): with the parse and validation caches on, GraphQL serves >= 25% of the
requests/s of the bare route. The same is measured with the caches off to show what they buy.

    python -m bench.http_edge [--seconds 5]
"""

from __future__ import annotations

import argparse
import hashlib
import json

from bench.harness import bench_env, load, postgres_database, ratio_line, run_cli, server

TYPENAME = "{ __typename }"


def measure(env: dict[str, str], seconds: float) -> dict[str, float]:
    digest = hashlib.sha256(TYPENAME.encode()).hexdigest()
    apq_extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    with server(env) as srv:
        srv.graphql(TYPENAME)  # warm up
        # Register the persisted query once, as a client would.
        import httpx

        httpx.post(
            f"{srv.url}/graphql", json={"query": TYPENAME, "extensions": apq_extensions}
        ).raise_for_status()
        bare = load(f"{srv.url}/healthz", seconds=seconds)
        post = load(f"{srv.url}/graphql", method="POST", body={"query": TYPENAME}, seconds=seconds)
        get_apq = load(
            f"{srv.url}/graphql?extensions=" + json.dumps(apq_extensions, separators=(",", ":")),
            seconds=seconds,
        )
        for name, result in (
            ("bare route", bare),
            ("POST {__typename}", post),
            ("GET APQ", get_apq),
        ):
            print(f"  {name:<20} {result.line()}")
        return {
            "bare": bare.requests_per_second,
            "post": post.requests_per_second,
            "apq": get_apq.requests_per_second,
        }


def main(seconds: float = 5) -> None:
    with postgres_database("edge") as database_url:
        env = bench_env(database_url)
        run_cli(env, "migrate")
        print("caches on:")
        on = measure(env, seconds)
        print("caches off:")
        off = measure({**env, "GRAPHQL_CACHES": "false"}, seconds)
    print()
    print(ratio_line("{ __typename } POST / bare route, caches on", on["post"], on["bare"], 0.25))
    print(ratio_line("{ __typename } GET APQ / bare route, caches on", on["apq"], on["bare"], 0.25))
    print(ratio_line("{ __typename } POST / bare route, caches off", off["post"], off["bare"]))
    print(ratio_line("caches on / caches off (POST)", on["post"], off["post"]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    main(parser.parse_args().seconds)

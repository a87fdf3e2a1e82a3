"""The report of a `make loadtest` run, from Locust's own stats of its measured runs.

Each Locust run (a round of one scenario: `one-1`, `spread-1`, ...) leaves `stats.json`
(Locust's --json-file: every endpoint's counts and its histogram of response times),
`stats_failures.csv` and `stats_exceptions.csv` (a user's step that raised: counted among
the failures). Percentiles are Locust's (its histogram keeps ms below 100 ms, 10 ms steps
to 1 s, 100 ms steps above); a scenario's rounds, an endpoint group (the nearby list with or
without filters; the request form's page and its sending) and the whole run are computed
on the merged histograms, the same way.

tenancy_overhead_ratio: p95 of every request of the run spread over the fleet, divided by
the p95 of every request of the same scenario run against one group (the first busy group),
both in the same `make loadtest`; tenancy_overhead_mean_ratio: the same with mean latency.

Run on its own to rebuild a report into results/: python loadtests/loadtest_report.py
RUN_DIR (RUN_DIR holding `meta.json` and the rounds' folders).
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

NEARBY = ("nearby: list", "nearby: list, filtered")
REQUEST_FORM = ("ask: form", "ask: send")
TARGETS = {"failures": 0, "nearby_p95_ms": 200, "request_form_p95_ms": 200,
           "tenancy_overhead_ratio": 1.2}


def percentile(times: Counter, count: int, share: float) -> float:
    """Locust's calculate_response_time_percentile, on a merged histogram."""
    wanted, seen = int(count * share), 0
    for ms in sorted(times, reverse=True):
        seen += times[ms]
        if count - seen <= wanted:
            return float(ms)
    return 0.0


def summary(entries: list[dict], seconds: float) -> dict:
    times, count, failures, total = Counter(), 0, 0, 0.0
    for entry in entries:
        times.update({int(float(ms)): n for ms, n in entry["response_times"].items()})
        count += entry["num_requests"]
        failures += entry["num_failures"]
        total += entry["total_response_time"]
    return {
        "requests": count, "rps": round(count / seconds, 2) if seconds else 0.0,
        "p50_ms": percentile(times, count, 0.50), "p95_ms": percentile(times, count, 0.95),
        "p99_ms": percentile(times, count, 0.99),
        "mean_ms": round(total / count, 1) if count else 0.0, "failures": failures,
    }


def run_figures(folders: list[Path], seconds: float) -> dict:
    """One scenario's figures over its rounds (their histograms merged)."""
    entries = [e for folder in folders for e in json.loads((folder / "stats.json").read_text())]
    by_name: dict[str, list[dict]] = {}
    for entry in entries:
        by_name.setdefault(entry["name"], []).append(entry)

    def among(names) -> list[dict]:
        return [e for n in names for e in by_name.get(n, [])]

    figures = summary(entries, seconds)
    figures["failures"] += _errors(folders)  # a step that broke is a failure too
    return {
        **figures,
        "nearby_p95_ms": summary(among(NEARBY), seconds)["p95_ms"],
        "request_form_p95_ms": summary(among(REQUEST_FORM), seconds)["p95_ms"],
        "endpoints": {name: summary(group, seconds) for name, group in sorted(by_name.items())},
        "failure_messages": _failures(folders),
    }


def _failures(folders: list[Path]) -> list[str]:
    """Failed requests, then errors in the users' own steps (a page they could not read)."""
    failed = _rows(folders, "stats_failures.csv")
    failed.sort(key=lambda r: -int(r["Occurrences"]))
    errors = _rows(folders, "stats_exceptions.csv")
    return ([f"{r['Occurrences']}x {r['Method']} {r['Name']}: {r['Error']}" for r in failed]
            + [f"{r['Count']}x error: {r['Message']}" for r in errors])[:10]


def _errors(folders: list[Path]) -> int:
    return sum(int(r["Count"]) for r in _rows(folders, "stats_exceptions.csv"))


def _rows(folders: list[Path], name: str) -> list[dict]:
    rows = []
    for path in (folder / name for folder in folders):
        if path.exists():
            with path.open() as f:
                rows += list(csv.DictReader(f))
    return rows


def build(run_dir: Path) -> dict:
    meta = json.loads((run_dir / "meta.json").read_text())
    seconds = meta["round_s"] * meta["rounds"]  # each scenario's measured time
    spread = run_figures(sorted(run_dir.glob("spread-*")), seconds)
    one = run_figures(sorted(run_dir.glob("one-*")), seconds)

    def ratio(key: str) -> float | None:
        return round(spread[key] / one[key], 3) if one[key] else None

    report = {
        "bench": "loadtest", **{k: meta[k] for k in ("label", "date", "groups")},
        "data_groups": meta["data_groups"], "users": meta["users"],
        "duration_s": meta["duration_s"],
        "rounds": meta["rounds"],
        "rps": spread["rps"], "requests": spread["requests"],
        "failures": spread["failures"] + one["failures"],
        "nearby_p95_ms": spread["nearby_p95_ms"],
        "request_form_p95_ms": spread["request_form_p95_ms"],
        "p50_ms": spread["p50_ms"], "p95_ms": spread["p95_ms"], "p99_ms": spread["p99_ms"],
        "mean_ms": spread["mean_ms"],
        "baseline_p95_ms": one["p95_ms"], "baseline_mean_ms": one["mean_ms"],
        "baseline_rps": one["rps"],
        "tenancy_overhead_ratio": ratio("p95_ms"),
        "tenancy_overhead_mean_ratio": ratio("mean_ms"),
        "tenancy_overhead_basis": "p95 of all requests, spread over the fleet / at one group",
    }
    report["meets_targets"] = (
        report["failures"] == 0
        and report["nearby_p95_ms"] <= TARGETS["nearby_p95_ms"]
        and report["request_form_p95_ms"] <= TARGETS["request_form_p95_ms"]
        and (report["tenancy_overhead_ratio"] or 0) <= TARGETS["tenancy_overhead_ratio"])
    # Everything else goes in the file only, after the one-line summary's keys.
    return {**report, "targets": TARGETS, "stack": meta["stack"], "machine": meta["machine"],
            "rounds_detail": _rounds(run_dir, meta["round_s"], meta.get("warmup_s", 0)),
            "seeding": meta["seeding"], "cleanup": meta.get("cleanup", {}),
            "endpoints": spread.pop("endpoints"),
            "failure_messages": spread.pop("failure_messages"),
            "one_group": {"group": meta["one_group"], **one}}


def _rounds(run_dir: Path, seconds: float, warmup_s: float) -> list[dict]:
    """Each round's own totals, in the order they ran: how steady the machine was."""
    folders = sorted((f for f in run_dir.iterdir() if (f / "stats.json").exists()),
                     key=lambda f: f.stat().st_mtime)
    rows = []
    for folder in folders:
        figures = summary(json.loads((folder / "stats.json").read_text()),
                          warmup_s if folder.name == "warmup" else seconds)
        rows.append({"round": folder.name, **{k: figures[k] for k in (
            "requests", "rps", "p50_ms", "p95_ms", "mean_ms", "failures")}})
    return rows


def one_line(report: dict) -> str:
    keys = list(report)[:list(report).index("targets")]
    return json.dumps({k: report[k] for k in keys})


def save(report: dict, results: Path) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{report['date']}-loadtest-{report['label']}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


if __name__ == "__main__":
    built = build(Path(sys.argv[1]))
    save(built, Path(__file__).resolve().parent / "results")
    print(one_line(built))

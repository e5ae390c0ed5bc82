"""What a load run (`benchmarks/load.py`) reports: per run, each kind's successes and p50 / p95
latency and every answer that was not a success; per point of the curve, each mode's documents per
minute over the rounds (min / median / max), the ratio of the modes round by round, and the invariant
breaks; the curve as a Markdown table."""

import json
import statistics
from collections import Counter, defaultdict

DOCUMENTS = ("delivery", "transfer", "receipt", "pick_list", "repack")  # the ERPNext documents counted


def percentile(values, share: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def describe(stats: dict) -> str:
	records, minutes = stats["records"], stats["wall"] / 60
	lines = [f"round {stats['round']} — {stats['mode']}: {stats['clients']} clients, {stats['wall']:.0f} s"]
	by_op = defaultdict(list)
	for record in records:
		by_op[record["op"]].append(record)
	done = sum(1 for r in records if r["op"] in DOCUMENTS and r["status"] < 400)
	lines.append(f"  documents posted: {done} ({done / minutes:.1f} per minute)")
	for op, rows in sorted(by_op.items()):
		times = [r["seconds"] for r in rows]
		ok = sum(1 for r in rows if r["status"] < 400)
		lines.append(
			f"  {op:14} {ok:5} ok / {len(rows):5}   p50 {statistics.median(times):.3f} s   "
			f"p95 {percentile(times, 0.95):.3f} s"
		)
	errors = Counter(f"{r['op']} {r['status']} {r.get('error', '')}" for r in records if r["status"] >= 400)
	for error, count in errors.most_common(12):
		lines.append(f"  not a success ×{count}: {error}")
	lines.append(f"  checks: {json.dumps(stats['checks'], default=str)}")
	lines.append(f"  queued jobs finished after the window: {json.dumps(stats.get('drain'))}")
	return "\n".join(lines)


def summarise(results) -> dict:
	"""One point of the curve: each mode's documents per minute run by run (min / median / max), its
	document latencies pooled (p50 / p95), and the ratio of the modes round by round."""
	figures = {}
	for mode in ("erpnext", "app"):
		runs = [r for r in results if r["mode"] == mode]
		if not runs:
			continue
		per_run = [posted_per_minute(run) for run in runs]
		docs = [r for run in runs for r in run["records"] if r["op"] in DOCUMENTS]
		times = [r["seconds"] for r in docs]
		figures[mode] = {
			"documents_per_minute": spread(per_run),
			"p50": round(statistics.median(times), 3) if times else None,
			"p95": round(percentile(times, 0.95), 3) if times else None,
			"not_successful": sum(1 for r in docs if r["status"] >= 400),
			"invariant_breaks": sum(breaks(run["checks"]) for run in runs),
			"needless_refusals": sum(run["checks"].get("automatic_picks_refused", 0) for run in runs),
		}
	lines = [f"summary (ERPNext documents), {results[0]['clients']} clients:"]
	for mode, row in figures.items():
		low, median, high = row["documents_per_minute"]
		lines.append(
			f"  {mode:8} {low:.1f} / {median:.1f} / {high:.1f} documents/min (min / median / max)   "
			f"p50 {row['p50']} s   p95 {row['p95']} s   not successful {row['not_successful']}   "
			f"invariant breaks {row['invariant_breaks']}"
		)
	ratios = [
		posted_per_minute(app) / posted_per_minute(erpnext)
		for app, erpnext in pairs(results)
		if posted_per_minute(erpnext)
	]
	if ratios:
		figures["throughput_ratio"] = spread(ratios, 3)
		low, median, high = figures["throughput_ratio"]
		lines.append(f"  app / ERPNext throughput, round by round: {low} / {median} / {high}")
	return {"figures": figures, "text": "\n".join(lines)}


def posted_per_minute(run: dict) -> float:
	posted = sum(1 for r in run["records"] if r["op"] in DOCUMENTS and r["status"] < 400)
	return posted / (run["wall"] / 60)


def pairs(results):
	"""The two modes' runs of each round."""
	by_round = defaultdict(dict)
	for run in results:
		by_round[run["round"]][run["mode"]] = run
	return [(modes["app"], modes["erpnext"]) for modes in by_round.values() if len(modes) == 2]


def breaks(checks: dict) -> int:
	"""Invariant breaks in a run's checks (lots below zero, kept data unlike its rebuild, movements
	while held); server errors and refusals are counted apart."""
	counted = (
		"negative_in_ledger",
		"negative_kept",
		"kept_balances_differ",
		"lot_ledger_differs",
		"genealogy_differs",
	)
	return sum(int(checks.get(key) or 0) for key in counted) + len(checks.get("moved_while_held") or [])


def spread(values, digits: int = 1) -> tuple:
	return tuple(round(value, digits) for value in (min(values), statistics.median(values), max(values)))


def curve_table(figures: dict) -> str:
	"""The curve as a Markdown table, a row per point."""
	lines = [
		"| clients | ERPNext alone, documents/min | with the app | ratio (round by round) "
		"| p50 / p95, ERPNext | p50 / p95, app | invariant breaks (ERPNext, app) |",
		"| --- | --- | --- | --- | --- | --- | --- |",
	]
	for point, row in figures.items():
		erpnext, app = row.get("erpnext", {}), row.get("app", {})
		lines.append(
			f"| {point} | {' / '.join(map(str, erpnext.get('documents_per_minute', ())))} "
			f"| {' / '.join(map(str, app.get('documents_per_minute', ())))} "
			f"| {' / '.join(map(str, row.get('throughput_ratio', ())))} "
			f"| {erpnext.get('p50')} / {erpnext.get('p95')} s | {app.get('p50')} / {app.get('p95')} s "
			f"| {erpnext.get('invariant_breaks')}, {app.get('invariant_breaks')} |"
		)
	return "\n".join(lines)

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.findings import (
	CONSUMPTION,
	DEFAULT_WEIGHTS,
	Adjustment,
	DatedMove,
	Finding,
	ItemUnit,
	Kind,
	NearExpiryLot,
	Production,
	ProductionEntry,
	RestrictionPeriod,
	StatusChange,
	adjustment_findings,
	balance_quantities,
	bom_yield_findings,
	busiest_window,
	combine,
	deviation_pct,
	group_productions,
	mass_balance_findings,
	near_expiry_findings,
	rank_lots,
	scope_findings,
	score_lot,
	severity,
	status_at,
	status_findings,
	supplier_lot_findings,
	unbalanced_productions,
)
from lot_traceability.traceability.statuses import DEFAULT_STATUSES

STATUSES = {status.name: status for status in DEFAULT_STATUSES}
T0 = datetime(2026, 3, 1, 9, 0)


def at(days, hours=0):
	return T0 + timedelta(days=days, hours=hours)


def move(voucher_type="Delivery Note", voucher_no="DN-1", direction="Outward", posted=0, entered=None, **kw):
	posted_at = at(posted)
	return DatedMove(
		kw.pop("lot", "LOT-1"),
		voucher_type,
		voucher_no,
		direction,
		posted_at,
		at(entered) if entered is not None else posted_at,
		**kw,
	)


def kinds(findings):
	return sorted((f.lot, f.kind.value, f.reference_name) for f in findings)


# scoring


def test_severity_uses_the_kind_weight_a_mapping_or_the_finding_own_weight():
	finding = Finding("L", Kind.BACK_DATED)
	assert severity(finding) == 70
	assert severity(finding, {Kind.BACK_DATED: 20}) == 20
	assert severity(Finding("L", Kind.BACK_DATED, weight=150)) == 100
	assert severity(Finding("L", Kind.BACK_DATED, weight=-5)) == 0


def test_score_is_the_highest_plus_a_tenth_of_the_others_capped_at_100():
	assert combine([]) == 0
	assert combine([60]) == 60
	assert combine([30, 90, 40]) == 97
	assert combine([90, 90, 90]) == 100


def test_reasons_most_severe_first_with_ties_by_kind_then_document():
	findings = [
		Finding("L", Kind.NO_INPUTS, "Stock Entry", "SE-2"),
		Finding("L", Kind.REPEATED_ADJUSTMENTS, "Stock Entry", "SE-9"),
		Finding("L", Kind.MASS_BALANCE, "Stock Entry", "SE-3"),
		Finding("L", Kind.MASS_BALANCE, "Stock Entry", "SE-1"),
		Finding("L", Kind.SHIPPED_BEFORE_RELEASE, "Delivery Note", "DN-1"),
		Finding("OTHER", Kind.BACK_DATED),
	]
	score = score_lot("L", findings)
	assert [(r.finding.kind, r.finding.reference_name) for r in score.reasons] == [
		(Kind.SHIPPED_BEFORE_RELEASE, "DN-1"),
		(Kind.MASS_BALANCE, "SE-1"),
		(Kind.MASS_BALANCE, "SE-3"),
		(Kind.NO_INPUTS, "SE-2"),
		(Kind.REPEATED_ADJUSTMENTS, "SE-9"),
	]
	assert score.score == 100  # 90 + 6 + 6 + 6 + 3
	assert score.kinds == [
		Kind.SHIPPED_BEFORE_RELEASE,
		Kind.MASS_BALANCE,
		Kind.NO_INPUTS,
		Kind.REPEATED_ADJUSTMENTS,
	]


def test_lots_ranked_by_score_then_number_of_findings_then_name():
	findings = [
		Finding("B", Kind.SUPPLIER_LOT_REUSE),
		Finding("A", Kind.SUPPLIER_LOT_REUSE),
		Finding("C", Kind.SUPPLIER_LOT_REUSE),
		Finding("C", Kind.REPEATED_ADJUSTMENTS, weight=0),
		Finding("D", Kind.SHIPPED_BEFORE_RELEASE),
	]
	assert [(s.lot, s.score) for s in rank_lots(findings)] == [("D", 90), ("C", 40), ("A", 40), ("B", 40)]


finding_strategy = st.builds(
	Finding,
	lot=st.just("L"),
	kind=st.sampled_from(list(Kind)),
	reference_doctype=st.sampled_from([None, "Stock Entry", "Delivery Note"]),
	reference_name=st.sampled_from([None, "A", "B", "C"]),
	params=st.dictionaries(st.sampled_from(["x", "y"]), st.integers(0, 3), max_size=2),
	weight=st.one_of(st.none(), st.floats(-50, 150, allow_nan=False)),
)
weights_strategy = st.dictionaries(st.sampled_from(list(Kind)), st.floats(0, 100, allow_nan=False))


@given(st.lists(finding_strategy, max_size=12), weights_strategy)
def test_score_is_within_0_and_100(findings, weights):
	assert 0 <= score_lot("L", findings, weights).score <= 100


@given(st.lists(finding_strategy, max_size=12), finding_strategy, weights_strategy)
def test_adding_a_finding_never_lowers_the_score(findings, extra, weights):
	assert score_lot("L", [*findings, extra], weights).score >= score_lot("L", findings, weights).score


@given(st.lists(finding_strategy, max_size=12), st.randoms(use_true_random=False), weights_strategy)
def test_score_and_reasons_do_not_depend_on_the_order_of_findings(findings, random, weights):
	shuffled = list(findings)
	random.shuffle(shuffled)
	first, second = score_lot("L", findings, weights), score_lot("L", shuffled, weights)
	assert first.score == second.score
	assert [(r.finding, r.finding.params, r.severity) for r in first.reasons] == [
		(r.finding, r.finding.params, r.severity) for r in second.reasons
	]


def test_every_kind_has_a_default_weight():
	assert set(DEFAULT_WEIGHTS) == set(Kind)


# status history

HISTORY = {
	"LOT-1": [
		StatusChange(at(5), "Pending Inspection", "Approved", "LSC-1"),
		StatusChange(at(10), "Approved", "Quarantined", "LSC-2"),
	]
}


def test_status_at_a_moment_from_the_history():
	history = HISTORY["LOT-1"]
	assert status_at(history, at(0)) == "Pending Inspection"
	assert status_at(history, at(5)) == "Approved"
	assert status_at(history, at(11)) == "Quarantined"
	assert status_at([], at(0)) is None


def test_shipment_dated_before_release_is_flagged_with_the_release_date():
	found = status_findings([move(posted=2, entered=6)], HISTORY, STATUSES, {"LOT-1": date(2026, 3, 6)})
	assert kinds(found) == [("LOT-1", "shipped_before_release", "DN-1")]
	params = found[0].params
	assert (params["status"], params["moment"], params["release_date"]) == (
		"Pending Inspection",
		"posting",
		date(2026, 3, 6),
	)


def test_issue_entered_while_pending_is_flagged_but_allowed_moves_are_not():
	moves = [
		move("Stock Entry", "SE-1", posted=1, purpose="Manufacture"),  # issue while Pending Inspection
		move("Stock Entry", "SE-2", posted=1, purpose="Material Transfer"),  # allowed
		move("Delivery Note", "DN-2", posted=6),  # shipped while Approved
		move("Stock Entry", "SE-3", direction="Inward", posted=1, purpose="Manufacture"),
		move("Delivery Note", "DN-3", posted=1, lot="NO-HISTORY"),
	]
	assert kinds(status_findings(moves, HISTORY, STATUSES)) == [("LOT-1", "shipped_before_release", "SE-1")]


def test_held_lot_moved_out_is_flagged_except_into_quarantine_and_write_offs():
	moves = [
		move("Delivery Note", "DN-9", posted=12),
		move("Stock Entry", "SE-Q", posted=12, purpose="Material Transfer", into_quarantine=True),
		move("Stock Entry", "SE-T", posted=12, purpose="Material Transfer"),
		move("Stock Entry", "SE-W", posted=12, purpose="Material Issue", is_write_off=True),
		move("Purchase Receipt", "PR-R", posted=12, is_return=True),
	]
	assert kinds(status_findings(moves, HISTORY, STATUSES)) == [
		("LOT-1", "held_lot_override", "DN-9"),
		("LOT-1", "held_lot_override", "SE-T"),
		("LOT-1", "shipped_before_release", "DN-9"),
	]
	quarantine_off = status_findings(moves[1:2], HISTORY, STATUSES, quarantine_allowed=False)
	assert kinds(quarantine_off) == [("LOT-1", "held_lot_override", "SE-Q")]


def test_entry_made_after_a_hold_but_dated_before_it_is_back_dated():
	moves = [
		move("Stock Entry", "SE-B", posted=8, entered=11, purpose="Material Transfer", into_quarantine=True),
		move("Stock Entry", "SE-OK", posted=8, entered=8, purpose="Material Transfer"),
		# same day as the hold: not back-dated
		move("Stock Entry", "SE-SAME", posted=10, entered=11, purpose="Material Receipt", direction="Inward"),
	]
	found = status_findings(moves, HISTORY, STATUSES)
	assert kinds(found) == [("LOT-1", "back_dated", "SE-B")]
	assert found[0].params["status_change"] == "LSC-2"
	assert found[0].params["hold_date"] == date(2026, 3, 11)


def test_one_finding_per_lot_document_and_kind():
	moves = [move(posted=12), move(posted=12)]
	assert len(status_findings(moves, HISTORY, STATUSES)) == 2  # shipped before release, held


# supplier lots


def test_supplier_lot_no_seen_from_two_suppliers_flags_every_lot_of_it():
	lots = [
		{"name": "A1", "supplier": "Acme", "supplier_lot_no": "X"},
		{"name": "A2", "supplier": "Acme", "supplier_lot_no": "X"},
		{"name": "B1", "supplier": "Bolt", "supplier_lot_no": "X"},
		{"name": "C1", "supplier": "Acme", "supplier_lot_no": "Y"},
		{"name": "C2", "supplier": "Acme", "supplier_lot_no": "Y"},
		{"name": "D1", "supplier": None, "supplier_lot_no": "X"},
	]
	found = supplier_lot_findings(lots)
	assert [(f.lot, f.reference_name) for f in found] == [("A1", "B1"), ("A2", "B1"), ("B1", "A1")]
	assert found[2].params["other_suppliers"] == ["Acme"]


# production


def entry(name, purpose="Manufacture", consumed=None, made=10.0, lots=("OUT",), **kw):
	consumed = {"RAW": 10.0} if consumed is None else consumed
	return ProductionEntry(name, purpose, consumed=consumed, made=made, lots=lots, **kw)


def test_deviation_in_percent_of_what_was_expected():
	assert deviation_pct(10, 12) == pytest.approx(20)
	assert deviation_pct(10, 8) == pytest.approx(20)
	assert deviation_pct(0, 5) is None


def test_mass_balance_within_tolerance_passes_outside_flags_the_output_lots():
	productions = group_productions(
		[
			entry("SE-OK", consumed={"A": 6.0, "B": 4.0}, made=10.4),
			entry("SE-BAD", consumed={"A": 10.0}, made=20.0, lots=("O1", "O2")),
			entry("SE-NONE", consumed={}, made=5.0, lots=("O3",)),
		]
	)
	found = mass_balance_findings(productions, 5)
	assert sorted((f.lot, f.reference_name) for f in found) == [
		("O1", "SE-BAD"),
		("O2", "SE-BAD"),
		("O3", "SE-NONE"),
	]
	assert next(f for f in found if f.lot == "O1").params["deviation"] == pytest.approx(100)


def test_a_work_order_is_balanced_with_its_consumption_entries():
	entries = [
		entry(
			"SE-C", "Material Consumption for Manufacture", {"RAW": 6.0}, made=0, lots=(), work_order="WO-1"
		),
		entry("SE-M", consumed={"RAW": 4.0}, made=10.0, work_order="WO-1", bom_no="BOM-1", fg_qty=10),
	]
	(production,) = group_productions(entries)
	assert (production.reference, production.consumed, production.made) == ("SE-M", {"RAW": 10.0}, 10.0)
	assert mass_balance_findings([production], 5) == []


UNITS = {
	"WHEEL": ItemUnit("Kg", 1.0),
	"PORTION": ItemUnit("Nos", 0.2),
	"JAR": ItemUnit("Nos", None),
	"FLOUR": ItemUnit("Kg", 1.0),
	"SACK": ItemUnit("Kg", 1.0),
}


def repack(consumed, made_items, name="SE-R"):
	(production,) = group_productions(
		[entry(name, "Repack", consumed=consumed, made=sum(made_items.values()), made_items=made_items)]
	)
	return production


def test_a_repack_into_portions_is_balanced_in_kilograms_not_in_stock_units():
	wheel_into_portions = repack({"WHEEL": 20.0}, {"PORTION": 100.0})
	assert balance_quantities(wheel_into_portions, UNITS) == (20.0, pytest.approx(20.0), "Kg")
	assert mass_balance_findings([wheel_into_portions], 5, UNITS) == []
	# without the units the stock quantities would be 400 % apart
	assert mass_balance_findings([wheel_into_portions], 5)[0].params["deviation"] == pytest.approx(400)


def test_items_in_one_unit_are_compared_in_it_and_flagged_in_it():
	(found,) = mass_balance_findings([repack({"FLOUR": 10.0}, {"SACK": 12.0})], 5, UNITS)
	assert (found.params["unit"], found.params["deviation"]) == ("Kg", pytest.approx(20))


def test_a_production_whose_mass_cannot_be_known_is_not_judged_and_is_listed():
	jars = repack({"WHEEL": 20.0}, {"JAR": 7.0})
	assert balance_quantities(jars, UNITS) is None
	assert mass_balance_findings([jars], 5, UNITS) == []
	assert unbalanced_productions([jars, repack({"WHEEL": 20.0}, {"PORTION": 100.0}, "SE-2")], UNITS) == [
		"SE-R"
	]


@pytest.mark.parametrize(("made", "flagged"), [(10.5, False), (10.51, True), (9.5, False), (9.49, True)])
def test_a_deviation_exactly_at_tolerance_is_not_flagged(made, flagged):
	production = repack({"FLOUR": 10.0}, {"SACK": made})
	assert bool(mass_balance_findings([production], 5, UNITS)) is flagged


def test_bom_yield_compares_each_bom_item_with_qty_per_unit_times_made():
	(production,) = group_productions(
		[entry("SE-1", consumed={"FLOUR": 25.0, "SALT": 1.0}, made=10, bom_no="BOM-1", fg_qty=10)]
	)
	per_unit = {"BOM-1": {"FLOUR": 2.0, "SALT": 0.1, "YEAST": 0.05}}
	(found,) = bom_yield_findings([production], per_unit, 10)
	assert (found.lot, found.reference_name) == ("OUT", "SE-1")
	assert [(i["item"], i["expected"], i["actual"]) for i in found.params["items"]] == [
		("YEAST", pytest.approx(0.5), 0.0),
		("FLOUR", 20.0, 25.0),
	]
	assert bom_yield_findings([production], {"BOM-1": {"FLOUR": 2.4, "SALT": 0.1}}, 10) == []


# adjustments


@pytest.mark.parametrize(
	"days, window, expected",
	[
		([0, 10, 20], 90, (3, 0, 20)),
		([0, 50, 100, 120], 90, (3, 50, 120)),
		([0, 90, 180], 90, (1, 0, 0)),
		([], 90, (0, None, None)),
	],
)
def test_busiest_window(days, window, expected):
	dates = [date(2026, 1, 1) + timedelta(days=d) for d in days]
	count, first, last = busiest_window(dates, window)
	as_offsets = (
		count,
		None if first is None else (first - date(2026, 1, 1)).days,
		None if last is None else (last - date(2026, 1, 1)).days,
	)
	assert as_offsets == expected


@given(st.lists(st.integers(0, 400), max_size=15), st.integers(1, 120))
def test_busiest_window_is_the_true_maximum(offsets, window):
	dates = [date(2026, 1, 1) + timedelta(days=d) for d in offsets]
	count, _first, _last = busiest_window(dates, window)
	brute = max((sum(1 for d in dates if 0 <= (d - start).days < window) for start in dates), default=0)
	assert count == brute


def test_more_adjustments_than_allowed_within_the_window_are_flagged_with_the_latest():
	rows = [
		Adjustment("L1", at(0), "Stock Reconciliation", "SR-1"),
		Adjustment("L1", at(30), "Stock Reconciliation", "SR-2"),
		Adjustment("L1", at(30, hours=2), "Stock Entry", "SE-1"),
		Adjustment("L1", at(200), "Stock Entry", "SE-2"),
		Adjustment("L2", at(0), "Stock Reconciliation", "SR-3"),
		Adjustment("L2", at(100), "Stock Reconciliation", "SR-4"),
		Adjustment("L2", at(200), "Stock Reconciliation", "SR-5"),
	]
	(found,) = adjustment_findings(rows, 2, 90)
	assert (found.lot, found.reference_name, found.params["count"]) == ("L1", "SE-1", 3)
	assert (found.params["first"], found.params["last"]) == (date(2026, 3, 1), date(2026, 3, 31))
	assert adjustment_findings(rows, 3, 90) == []


# near expiry


def test_near_expiry_needs_stock_demand_and_an_expiry_within_the_window():
	today = date(2026, 3, 1)
	lots = [
		NearExpiryLot(
			"SOON", today + timedelta(days=10), 5, (("Sales Order", "SO-2"), ("Pick List", "PL-1"))
		),
		NearExpiryLot("PAST", today - timedelta(days=1), 5, (("Stock Reservation Entry", "SRE-1"),)),
		NearExpiryLot("LATER", today + timedelta(days=40), 5, (("Sales Order", "SO-2"),)),
		NearExpiryLot("IDLE", today + timedelta(days=10), 5, ()),
		NearExpiryLot("EMPTY", today + timedelta(days=10), 0, (("Sales Order", "SO-2"),)),
	]
	found = near_expiry_findings(lots, today, 30)
	assert [(f.lot, f.reference_doctype, f.params["days_left"]) for f in found] == [
		("PAST", "Stock Reservation Entry", -1),
		("SOON", "Pick List", 10),
	]


def test_a_status_change_dated_after_the_fact_judges_entries_by_when_it_was_recorded():
	from datetime import datetime

	from lot_traceability.traceability.findings import StatusChange, status_at

	# released on the 5th (effective), but the release was only recorded on the 20th
	history = [
		StatusChange(
			datetime(2026, 3, 5, 12), "Pending Inspection", "Approved", "LSC-1", datetime(2026, 3, 20)
		)
	]
	assert status_at(history, datetime(2026, 3, 10)) == "Approved"
	assert status_at(history, datetime(2026, 3, 10), recorded=True) == "Pending Inspection"
	assert status_at(history, datetime(2026, 3, 21), recorded=True) == "Approved"


# restricted release: uses its scope never judged


def test_a_shipment_or_issue_in_a_scope_period_without_a_recorded_use_is_found():
	periods = [
		RestrictionPeriod("R1", "LOT-1", at(1), at(10), "to Acme"),
		RestrictionPeriod("R2", "LOT-1", at(10)),
	]
	moves = [
		move(voucher_no="DN-checked", posted=2),  # permitted: its use is recorded
		move(voucher_no="DN-unchecked", posted=3),  # no use recorded: found
		move(voucher_no="DN-before", posted=0),  # before any scope: the status history's business
		move("Stock Entry", "SE-issue", posted=11, purpose="Material Issue"),  # second scope: found
		move("Stock Entry", "SE-write-off", posted=12, purpose="Material Issue", is_write_off=True),
		move("Stock Entry", "SE-transfer", posted=12, purpose="Material Transfer"),
		move("Delivery Note", "DN-return", direction="Inward", posted=12, is_return=True),
		move(voucher_no="DN-other-lot", posted=3, lot="LOT-2"),
	]
	found = scope_findings(moves, periods, {("R1", "Delivery Note", "DN-checked")})
	assert kinds(found) == [
		("LOT-1", "outside_scope", "DN-unchecked"),
		("LOT-1", "outside_scope", "SE-issue"),
	]
	by_voucher = {f.reference_name: f.params for f in found}
	assert by_voucher["DN-unchecked"] == {"movement": "shipment", "restriction": "R1", "summary": "to Acme"}
	assert by_voucher["SE-issue"]["restriction"] == "R2"


def test_a_use_recorded_against_another_scope_does_not_count_and_an_end_is_exclusive():
	periods = [RestrictionPeriod("R1", "LOT-1", at(1), at(5)), RestrictionPeriod("R2", "LOT-1", at(5))]
	found = scope_findings([move(voucher_no="DN-9", posted=5)], periods, {("R1", "Delivery Note", "DN-9")})
	assert [(f.reference_name, f.params["restriction"]) for f in found] == [("DN-9", "R2")]
	assert scope_findings([move(posted=4)], [], set()) == []


def test_lots_waiting_for_documents_are_one_finding_each_pointing_at_the_lot():
	from lot_traceability.traceability.findings import document_findings

	findings = document_findings(
		{
			"LOT-2": ("Quarantined", ["Certificate of Analysis"]),
			"LOT-1": ("Pending Inspection", ["A", "B"]),
			"LOT-3": ("Approved", []),
		}
	)
	assert [(f.lot, f.kind, f.reference_doctype, f.reference_name) for f in findings] == [
		("LOT-1", Kind.MISSING_DOCUMENTS, "Batch", "LOT-1"),
		("LOT-2", Kind.MISSING_DOCUMENTS, "Batch", "LOT-2"),
	]
	assert findings[0].params == {"status": "Pending Inspection", "missing": ["A", "B"]}


def test_an_anomaly_weighs_its_kind_at_the_threshold_and_up_to_half_more_beyond():
	from lot_traceability.traceability.findings import anomaly_finding

	at = anomaly_finding("L1", "yield_anomaly", 1.0, "Stock Entry", "SE-1", {})
	assert severity(at) == DEFAULT_WEIGHTS[Kind.YIELD_ANOMALY] == 50
	assert severity(anomaly_finding("L1", "yield_anomaly", 1.2, None, None, {})) == 60
	assert severity(anomaly_finding("L1", "yield_anomaly", 1.5, None, None, {})) == 75
	assert severity(anomaly_finding("L1", "yield_anomaly", 9.0, None, None, {})) == 75  # capped
	assert severity(anomaly_finding("L1", "yield_anomaly", 0.5, None, None, {})) == 50  # never below its kind
	assert at.kind is Kind.YIELD_ANOMALY and at.reference_name == "SE-1"


def test_only_anomaly_kinds_are_stored_anomalies():
	from lot_traceability.traceability.findings import anomaly_finding

	with pytest.raises(ValueError, match="not an anomaly kind: mass_balance"):
		anomaly_finding("L1", "mass_balance", 2.0, None, None, {})


def whole(findings):
	"""Each finding whole: its lot, kind, document and every figure its reason names."""
	return sorted(
		((f.lot, f.kind.value, f.reference_doctype, f.reference_name, f.params) for f in findings),
		key=lambda f: (f[1], f[3]),
	)


def test_status_findings_carry_their_documents_and_figures():
	moves = [
		move("Delivery Note", "DN-9", posted=12),  # shipped while held, entered then too
		move("Stock Entry", "SE-B", posted=8, entered=11, purpose="Material Transfer", into_quarantine=True),
	]
	assert whole(status_findings(moves, HISTORY, STATUSES, {"LOT-1": date(2026, 3, 20)})) == [
		(
			"LOT-1",
			"back_dated",
			"Stock Entry",
			"SE-B",
			{
				"status": "Quarantined",
				"hold_date": date(2026, 3, 11),
				"posting_date": date(2026, 3, 9),
				"entered_at": at(11),
				"status_change": "LSC-2",
			},
		),
		(
			"LOT-1",
			"held_lot_override",
			"Delivery Note",
			"DN-9",
			{"movement": "shipment", "status": "Quarantined", "entered_at": at(12)},
		),
		(
			"LOT-1",
			"shipped_before_release",
			"Delivery Note",
			"DN-9",
			{
				"movement": "shipment",
				"status": "Quarantined",
				"moment": "posting",
				"posting_date": date(2026, 3, 13),
				"release_date": date(2026, 3, 20),
			},
		),
	]


def test_the_release_date_is_named_only_for_a_shipment_dated_before_it():
	on_the_day = status_findings([move(posted=2, entered=6)], HISTORY, STATUSES, {"LOT-1": date(2026, 3, 3)})
	assert on_the_day[0].params["release_date"] is None  # posted on the release day: not before it
	before = status_findings([move(posted=2, entered=6)], HISTORY, STATUSES, {"LOT-1": date(2026, 3, 4)})
	assert before[0].params["release_date"] == date(2026, 3, 4)


def test_a_move_entered_at_the_moment_a_hold_was_recorded_is_not_back_dated_past_it():
	history = {"LOT-1": [StatusChange(at(5), "Approved", "Quarantined", "LSC-H", recorded_at=at(5, 3))]}
	at_the_moment = move("Stock Entry", "SE-1", posted=2, purpose="Material Receipt", direction="Inward")
	at_the_moment = DatedMove(**{**at_the_moment.__dict__, "entered_at": at(5, 3)})
	assert status_findings([at_the_moment], history, STATUSES) == []
	later = DatedMove(**{**at_the_moment.__dict__, "entered_at": at(5, 4)})
	assert kinds(status_findings([later], history, STATUSES)) == [("LOT-1", "back_dated", "SE-1")]


def test_the_status_a_move_was_entered_under_is_read_as_recorded_not_as_effective():
	"""A hold dated back to day 3 but recorded on day 7: a shipment entered on day 5 was entered
	while the books still said Approved — not a held lot moved by override."""
	history = {
		"LOT-1": [
			StatusChange(at(1), "Pending Inspection", "Approved", "LSC-A"),
			StatusChange(at(3), "Approved", "Quarantined", "LSC-H", recorded_at=at(7)),
		]
	}
	shipped = move("Delivery Note", "DN-5", posted=5, entered=5)
	assert "held_lot_override" not in {f.kind.value for f in status_findings([shipped], history, STATUSES)}
	entered_later = move("Delivery Note", "DN-8", posted=5, entered=8)
	assert "held_lot_override" in {f.kind.value for f in status_findings([entered_later], history, STATUSES)}


def test_supplier_lot_mass_balance_bom_adjustment_and_expiry_findings_carry_their_figures():
	lots = [
		{"name": "A1", "supplier": "Acme", "supplier_lot_no": "X"},
		{"name": "B1", "supplier": "Bolt", "supplier_lot_no": "X"},
		{"name": "B2", "supplier": "Bolt", "supplier_lot_no": "X"},
	]
	assert next(f for f in whole(supplier_lot_findings(lots)) if f[0] == "A1") == (
		"A1",
		"supplier_lot_reuse",
		"Batch",
		"B1",
		{"supplier_lot_no": "X", "supplier": "Acme", "other_suppliers": ["Bolt"], "other_lots": ["B1", "B2"]},
	)
	(production,) = group_productions([entry("SE-BAD", consumed={"A": 10.0}, made=20.0, lots=("O1",))])
	assert whole(mass_balance_findings([production], 5)) == [
		(
			"O1",
			"mass_balance",
			"Stock Entry",
			"SE-BAD",
			{"consumed": 10.0, "made": 20.0, "unit": "", "deviation": 100.0, "tolerance": 5},
		)
	]
	(production,) = group_productions(
		[entry("SE-1", consumed={"FLOUR": 25.0}, made=10, bom_no="BOM-1", fg_qty=10)]
	)
	(found,) = bom_yield_findings([production], {"BOM-1": {"FLOUR": 2.0}}, 10)
	assert (found.kind, found.reference_doctype, found.params["bom"], found.params["tolerance"]) == (
		Kind.BOM_YIELD,
		"Stock Entry",
		"BOM-1",
		10,
	)
	assert found.params["items"] == [{"item": "FLOUR", "expected": 20.0, "actual": 25.0, "deviation": 25.0}]
	rows = [Adjustment("L1", at(day), "Stock Reconciliation", f"SR-{day}") for day in (0, 5, 9)]
	assert whole(adjustment_findings(rows, 2, 90)) == [
		(
			"L1",
			"repeated_adjustments",
			"Stock Reconciliation",
			"SR-9",
			{"count": 3, "first": date(2026, 3, 1), "last": date(2026, 3, 10), "max": 2, "window": 90},
		)
	]
	today = date(2026, 3, 1)
	soon = NearExpiryLot(
		"SOON", today + timedelta(days=30), 5, (("Sales Order", "SO-2"), ("Pick List", "PL-1"))
	)
	assert whole(near_expiry_findings([soon], today, 30)) == [
		(
			"SOON",
			"near_expiry_orders",
			"Pick List",
			"PL-1",
			{
				"expiry_date": date(2026, 3, 31),
				"days_left": 30,
				"on_hand": 5,
				"demand": [("Pick List", "PL-1"), ("Sales Order", "SO-2")],
				"window": 30,
			},
		)
	]
	assert (
		near_expiry_findings([NearExpiryLot("LATER", today + timedelta(days=31), 5, soon.demand)], today, 30)
		== []
	)


def test_a_score_keeps_one_decimal():
	"""A tenth of a small finding shows in the score to one decimal, no more and no less."""
	assert combine([60, 5]) == 60.5
	assert combine([60, 1.23]) == 60.1


def test_reasons_of_equal_severity_and_kind_list_those_without_a_document_first():
	"""Among reasons of one kind and severity, a missing document type or name comes first."""
	findings = [
		Finding("L", Kind.MASS_BALANCE, "Stock Entry", "SE-1"),
		Finding("L", Kind.MASS_BALANCE, None, "SE-1"),
		Finding("L", Kind.MASS_BALANCE, "Stock Entry", None),
	]
	assert [
		(r.finding.reference_doctype, r.finding.reference_name) for r in score_lot("L", findings).reasons
	] == [
		(None, "SE-1"),
		("Stock Entry", None),
		("Stock Entry", "SE-1"),
	]


def test_reasons_differing_only_in_figures_or_own_weight_come_in_one_order_whatever_the_input():
	"""Findings on one document of one kind are ordered by their figures, then those weighed by their
	kind before those with their own weight, then by that weight."""
	low = Finding("L", Kind.BOM_YIELD, "Stock Entry", "SE-1", {"deviation": 12.5, "item": "FLOUR"})
	high = Finding("L", Kind.BOM_YIELD, "Stock Entry", "SE-1", {"deviation": 30.0, "item": "SALT"})
	for findings in ([low, high], [high, low]):
		assert [r.finding.params["item"] for r in score_lot("L", findings).reasons] == ["FLOUR", "SALT"]
	by_kind = Finding("L", Kind.BACK_DATED, "Stock Entry", "SE-1")
	own = Finding("L", Kind.BACK_DATED, "Stock Entry", "SE-1", weight=70)
	over = Finding("L", Kind.BACK_DATED, "Stock Entry", "SE-1", weight=150)
	far_over = Finding("L", Kind.BACK_DATED, "Stock Entry", "SE-1", weight=200)
	for findings in ([by_kind, own, over, far_over], [far_over, own, over, by_kind]):
		reasons = score_lot("L", findings).reasons
		assert [(r.finding.weight, r.severity) for r in reasons] == [
			(150, 100),
			(200, 100),
			(None, 70),
			(70, 70),
		]


def test_a_lots_score_and_rank_use_the_weights_given():
	"""Configured weights replace the kinds' default severities in a lot's score and in the ranking."""
	weights = {Kind.BACK_DATED: 20, Kind.SUPPLIER_LOT_REUSE: 50}
	score = score_lot("L", [Finding("L", Kind.BACK_DATED)], weights)
	assert (score.score, [r.severity for r in score.reasons]) == (20, [20])
	ranked = rank_lots([Finding("A", Kind.BACK_DATED), Finding("B", Kind.SUPPLIER_LOT_REUSE)], weights)
	assert [(s.lot, s.score) for s in ranked] == [("B", 50), ("A", 20)]


def test_a_lot_without_a_status_history_does_not_hide_the_next_lots_findings():
	"""Moves of a lot with no history are passed over and the other lots' moves are still judged."""
	moves = [move(posted=2, entered=6, lot="A-NO-HISTORY"), move(posted=2, entered=6)]
	assert kinds(status_findings(moves, HISTORY, STATUSES)) == [("LOT-1", "shipped_before_release", "DN-1")]


def test_a_shipment_dated_while_released_but_entered_under_a_hold_is_flagged_at_entry():
	"""Posted while Approved, entered once Quarantined: shipped before release, at its entry."""
	found = status_findings([move(posted=6, entered=11)], HISTORY, STATUSES)
	shipped = next(f for f in found if f.kind is Kind.SHIPPED_BEFORE_RELEASE)
	assert (shipped.params["moment"], shipped.params["status"]) == ("entry", "Quarantined")


def test_scope_findings_read_past_moves_no_scope_judges_and_name_the_document_type():
	"""Receipts, transfers and returns to the supplier in a scope period are not uses; the issue after
	them is found, with its document type. A move entered at the scope's end is outside it."""
	periods = [RestrictionPeriod("R1", "LOT-1", at(1), at(10))]
	moves = [
		move("Delivery Note", "DN-R", direction="Inward", posted=2, is_return=True),
		move("Stock Entry", "SE-T", posted=2, purpose="Material Transfer"),
		move("Purchase Receipt", "PR-R", posted=2, is_return=True),  # back to the supplier
		move("Stock Entry", "SE-I", posted=3, purpose="Material Issue"),
		move("Delivery Note", "DN-END", posted=10),
	]
	found = scope_findings(moves, periods, set())
	assert [(f.lot, f.kind, f.reference_doctype, f.reference_name) for f in found] == [
		("LOT-1", Kind.OUTSIDE_SCOPE, "Stock Entry", "SE-I")
	]


def test_a_work_order_is_named_by_its_latest_entry_and_sums_what_its_entries_made():
	"""Entries of a work order in date order (undated first); the latest maker names it; each
	item made adds up; a work order that only consumed is no production."""
	only_consumed = entry("SE-0", CONSUMPTION, {"RAW": 1.0}, made=0, lots=(), work_order="WO-0")
	entries = [
		entry(
			"SE-1",
			made=6.0,
			lots=("B1",),
			work_order="WO-1",
			posting_date=date(2026, 3, 5),
			made_items={"BREAD": 6.0},
		),
		entry(
			"SE-2",
			made=4.0,
			lots=("B2",),
			work_order="WO-1",
			posting_date=date(2026, 3, 1),
			made_items={"BREAD": 4.0},
		),
		entry("SE-3", CONSUMPTION, {"RAW": 2.0}, made=0, lots=(), work_order="WO-1"),
	]
	(production,) = group_productions([only_consumed, *entries])
	assert (production.reference, production.entries, production.lots) == (
		"SE-1",
		("SE-3", "SE-2", "SE-1"),
		("B2", "B1"),
	)
	assert (production.made, production.made_items, production.consumed) == (
		10.0,
		{"BREAD": 10.0},
		{"RAW": 22.0},
	)


def test_portions_consumed_are_weighed_by_their_mass_per_unit():
	"""A hundred portions of 0.2 kg made into one wheel of 20 kg balance in kilograms."""
	portions_into_wheel = repack({"PORTION": 100.0}, {"WHEEL": 20.0})
	assert balance_quantities(portions_into_wheel, UNITS) == (pytest.approx(20.0), 20.0, "Kg")
	assert mass_balance_findings([portions_into_wheel], 5, UNITS) == []


def made_from(name, consumed, made_items, lot):
	(production,) = group_productions(
		[
			entry(
				name,
				"Repack",
				consumed=consumed,
				made=sum(made_items.values()),
				made_items=made_items,
				lots=(lot,),
			)
		]
	)
	return production


def test_mass_balance_reads_on_past_productions_it_does_not_flag():
	"""A production that cannot be compared, one that consumed and made nothing, and one in balance
	are passed over; making even one unit from nothing is flagged, and so is a production far off."""
	productions = [
		made_from("SE-1", {"WHEEL": 20.0}, {"JAR": 7.0}, "O1"),
		made_from("SE-2", {}, {}, "O2"),
		made_from("SE-3", {"FLOUR": 10.0}, {"SACK": 10.0}, "O3"),
		made_from("SE-4", {}, {"SACK": 1.0}, "O4"),
		made_from("SE-5", {"FLOUR": 10.0}, {"SACK": 20.0}, "O5"),
	]
	found = mass_balance_findings(productions, 5, UNITS)
	assert [
		(f.lot, f.reference_name, f.params["consumed"], f.params["made"], f.params["deviation"])
		for f in found
	] == [
		("O4", "SE-4", 0, 1.0, None),
		("O5", "SE-5", 10.0, 20.0, 100.0),
	]


def test_bom_yield_reads_on_past_productions_it_cannot_or_need_not_judge():
	"""A production without a BOM (whatever the BOMs are called), one whose BOM has no figures, and
	one made as its BOM asks are passed over; one unit made 50 % over and a later production at half
	the BOM's quantity are both flagged."""

	def made(name, bom_no, fg_qty, flour, lot):
		return Production(name, (name,), bom_no, fg_qty, {"FLOUR": flour}, fg_qty, (lot,))

	per_unit = {"BOM-1": {"FLOUR": 2.0}, "XXXX": {"FLOUR": 2.0}}
	productions = [
		made("SE-1", None, 5, 20.0, "O1"),
		made("SE-2", "BOM-GONE", 5, 20.0, "O2"),
		made("SE-3", "BOM-1", 5, 10.0, "O3"),
		made("SE-4", "BOM-1", 1, 3.0, "O4"),
		made("SE-5", "BOM-1", 5, 5.0, "O5"),
	]
	found = bom_yield_findings(productions, per_unit, 10)
	assert [(f.lot, f.reference_name, f.params["items"]) for f in found] == [
		("O4", "SE-4", [{"item": "FLOUR", "expected": 2.0, "actual": 3.0, "deviation": 50.0}]),
		("O5", "SE-5", [{"item": "FLOUR", "expected": 10.0, "actual": 5.0, "deviation": 50.0}]),
	]


def test_a_one_day_window_counts_only_dates_on_the_same_day():
	"""With a window of one day, adjustments a day apart are not within it."""
	day = date(2026, 1, 1)
	next_day = day + timedelta(days=1)
	assert busiest_window([day, next_day, next_day], 1) == (2, next_day, next_day)


def test_adjustments_on_one_day_are_flagged_with_the_latest_and_a_lot_below_the_limit_stops_nothing():
	"""Three adjustments within one day are too many; the finding points at the latest of them. A lot
	adjusted once, listed before, is passed over."""
	rows = [
		Adjustment("A", at(0), "Stock Reconciliation", "SR-A"),
		Adjustment("L1", at(3, hours=1), "Stock Entry", "SE-1"),
		Adjustment("L1", at(3, hours=5), "Stock Entry", "SE-3"),
		Adjustment("L1", at(3, hours=2), "Stock Entry", "SE-2"),
	]
	assert whole(adjustment_findings(rows, 2, 90)) == [
		(
			"L1",
			"repeated_adjustments",
			"Stock Entry",
			"SE-3",
			{"count": 3, "first": date(2026, 3, 4), "last": date(2026, 3, 4), "max": 2, "window": 90},
		)
	]


def test_a_single_unit_on_hand_near_expiry_with_demand_is_found():
	"""One unit left is stock that open demand would draw on."""
	today = date(2026, 3, 1)
	lots = [NearExpiryLot("ONE", today + timedelta(days=5), 1, (("Sales Order", "SO-1"),))]
	assert [(f.lot, f.params["on_hand"]) for f in near_expiry_findings(lots, today, 30)] == [("ONE", 1)]


def test_an_anomaly_finding_keeps_its_lot_document_figures_and_the_weights_given():
	"""A stored anomaly becomes a finding of its lot on its document, with its figures, weighed by
	the configured weight of its kind."""
	from lot_traceability.traceability.findings import anomaly_finding

	found = anomaly_finding(
		"L1",
		"adjustment_burst",
		1.5,
		"Stock Reconciliation",
		"SR-4",
		{"count": 6},
		{Kind.ADJUSTMENT_BURST: 20},
	)
	assert (
		found.lot,
		found.kind,
		found.reference_doctype,
		found.reference_name,
		found.params,
		found.weight,
	) == (
		"L1",
		Kind.ADJUSTMENT_BURST,
		"Stock Reconciliation",
		"SR-4",
		{"count": 6},
		30.0,
	)

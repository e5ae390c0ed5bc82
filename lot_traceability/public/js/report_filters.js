// Filters shared by the app's reports.
frappe.provide("lot_traceability");

// How deep a trace goes: a Select says what its value is ("25 levels"), where a bare number would not.
lot_traceability.levels_filter = function () {
	return {
		fieldname: "max_depth",
		label: __("Levels"),
		fieldtype: "Select",
		options: [1, 2, 3, 5, 10, 25, 50, 100].map((n) => ({
			value: String(n),
			label: n === 1 ? __("1 level") : __("{0} levels", [n]),
		})),
		default: "25",
		reqd: 1,
	};
};

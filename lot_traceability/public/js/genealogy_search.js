// The genealogy page's find box: which node a query names. Case does not matter; a node whose lot
// name, label or supplier lot no is the query wins over one where it is only part of them, and among
// those the first in the graph's order. CommonJS so that the page's bundle imports it and the unit
// tests run it with Node.
function lot_genealogy_match(nodes, query) {
	const wanted = (query || "").trim().toLowerCase();
	if (!wanted) return null;
	const texts = (node) =>
		[node.id, node.label, node.supplier_lot_no].filter(Boolean).map((text) => String(text).toLowerCase());
	const exact = nodes.find((node) => texts(node).some((text) => text === wanted));
	if (exact) return exact.id;
	const part = nodes.find((node) => texts(node).some((text) => text.includes(wanted)));
	return part ? part.id : null;
}

module.exports = { lot_genealogy_match };

"""Lot genealogy: the records production vouchers make (records), traces both ways (trace) and the
graph the Lot Genealogy page draws (graph)."""

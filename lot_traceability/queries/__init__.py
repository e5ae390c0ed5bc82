"""Every read the app makes of ERPNext's (and its own) tables, one module per concern:
`lots`, `rules`, `vouchers`, `warehouses`, `users`, `genealogy`, `ledger` (ERPNext's batch ledger),
`lot_ledger` and `balances` (the app's kept tables), `recall`, `exceptions`, `kpis`, `labels`, `locks`
(locking reads), `packed` (large reads packed into one string)."""

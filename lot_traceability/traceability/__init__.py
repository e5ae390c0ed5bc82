"""The pure core of lot_traceability.

Every rule that can be stated without a database lives here, as small functions over dataclasses.
Nothing below this package may import frappe: the unit tier checks it.
"""

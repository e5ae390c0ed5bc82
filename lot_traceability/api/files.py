"""How a whitelisted method answers with a file (not whitelisted itself)."""

import frappe


def download_or_job(answer) -> dict | None:
	"""A download (file name, content) as the request's answer, or a background job's id as it is."""
	if isinstance(answer, dict):
		return answer
	download(*answer)


def download(filename: str, content) -> None:
	"""Answer the request with a file to download."""
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = content
	frappe.response["type"] = "download"

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
	"""One thing wrong with a piece of lot master data.

	The core names the problem with a stable `code`; the app turns the code into a translated
	message for the user, so no user-facing wording lives in the core.
	"""

	code: str
	field: str | None = None
	params: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

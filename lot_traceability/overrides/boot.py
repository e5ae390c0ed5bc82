"""What the desk needs to know of the app from the start of a session."""

from lot_traceability.config import get_settings


def boot_session(bootinfo) -> None:
	"""Whether lot status enforcement is on: while it is off, every page of the app says so."""
	bootinfo.lot_traceability = {"enforcement": int(bool(get_settings().enable_enforcement))}

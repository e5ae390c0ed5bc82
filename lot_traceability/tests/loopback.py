"""Ports on 127.0.0.1 for the servers tests and benchmarks start (and only there)."""

import socket
import time


def free_port() -> int:
	with socket.socket() as probe:
		probe.bind(("127.0.0.1", 0))
		return probe.getsockname()[1]


def port_open(port: int) -> bool:
	with socket.socket() as probe:
		return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(port: int, seconds: float = 60) -> None:
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		if port_open(port):
			return
		time.sleep(0.25)
	raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")

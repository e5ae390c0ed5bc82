import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
	sys.path.insert(0, str(ROOT))

from hypothesis import settings

# Property tests judge rules, not speed: no per-example deadline (a busy machine made one fail on
# time alone). Speed is measured by the benchmarks.
settings.register_profile("lot_traceability", deadline=None)
settings.load_profile("lot_traceability")

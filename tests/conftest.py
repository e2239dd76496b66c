"""Shared test set-up: the tests folder on sys.path for the small factories it holds."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

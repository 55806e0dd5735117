"""Where an installation lives: EF_HOME, or ./var under the folder a command runs from.

A leaf module with no Django import, so that the settings and the command line (which must
look before the settings create anything) read the same place.
"""

from __future__ import annotations

import os
from pathlib import Path


def ef_home() -> Path:
    return Path(os.environ.get("EF_HOME", Path.cwd() / "var")).resolve()

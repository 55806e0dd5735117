"""`python -m equalfooting.cli`, the same as the installed `equalfooting` command."""

import sys

from equalfooting.cli import main

sys.exit(main())

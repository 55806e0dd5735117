"""The mechanism's errors that owe nothing to Django.

`equalfooting.core.errors` names them with the rest (services and interfaces import them from
there); they live here so that the commands which need no database, and the pure domain, can
raise and answer them without loading Django.
"""

from __future__ import annotations


class TransitionNotAllowed(Exception):
    """The step is not in the workflow's transition table from the present status (409)."""


class InvalidFile(Exception):
    """A file given to an import or a verification is wrong; the message names file and row.

    The command line answers it with exit status 2 and the message, never a traceback.
    """


class Unavailable(Exception):
    """This server lacks something the request needs, such as a font for a PDF's script (503).

    The message says what to install; nothing has been written. The request itself is sound:
    on a server that has it, the same request succeeds.
    """

"""The audit log, on the ground floor: every part of the mechanism appends to it, downwards.

`services.audit_append` writes one entry inside the caller's transaction; `selectors` read and
verify the chain. The hash chain itself is pure Python in `equalfooting.domain.audit`.
"""

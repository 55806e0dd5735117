"""Deadlines: what must be done by when, the reminders before, and the lapse after.

A part of the mechanism that asks someone to act by a date opens a deadline on the object
concerned (`services.deadline_open`) and closes it when the person acts
(`services.deadline_close`). The scheduler's pass (`services.deadlines_sweep`) sends the
reminders (by default 7 and 2 days before) and, once a deadline has passed, lets the owning part
say what lapsing means for its object: a match lapses and its units return to the offer, an
offer past its availability ends, an overdue review is reported to the Secretariat.

This part knows no other part of the mechanism: each owner registers, for its kinds, what a
reminder says and what a lapse does (`kinds.handles`), from its own `AppConfig.ready`.
"""

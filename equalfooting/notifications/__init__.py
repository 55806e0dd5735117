"""Notifications: each person's inbox, and e-mail in the reader's own language.

A service that changes something a person must act on, or decides about their own work, calls
`services.notify` once, inside its own transaction. The call writes one inbox row per
recipient and, when the transaction commits, sends the e-mails of those who want them at once;
the others wait for the daily digest (`services.digest_send`) or stay in the inbox only.

What an e-mail says comes from `templates/notifications/<kind>.txt` (its first line is the
subject, the rest the plain-text body) and `<kind>.html`, rendered in the recipient's language
from the few plain values the caller gave (`context`): references, titles the reader already
sees, enum labels. An e-mail names the object and links to it; it never carries more than the
reader may see on the site.

This part sits below the people and roles (`accounts`) so that every part of the mechanism,
`accounts` included, can call it; it knows its recipients only as the objects it is given.
"""

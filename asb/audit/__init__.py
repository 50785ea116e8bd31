"""The audit trail (core): append-only, hash-chained events recorded with every change.

The chain module is imported here so that its flush hook seals every entry, however the
entry was added.
"""

from asb.audit import chain  # noqa: F401

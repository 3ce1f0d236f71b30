"""What cadres tells the apps above it. Receivers run inside the sender's transaction and
may raise (a ValidationError undoes the whole write): they are part of the change."""

from django.dispatch import Signal

# Sent by services.appointment_create after the appointment is saved, with
# `appointment`, `actor` and `sanction` (the sanction a re-use follows, when the caller named
# one). discipline links a re-use (重新使用) to its sanction here.
appointment_created = Signal()

# Sent by services.unit_update inside its transaction when a unit moves under another parent,
# after the subtree's paths are rewritten, with `unit`, `old_path` and `new_path` (every path
# that started with old_path now starts with new_path). incentives re-paths its ledger rows.
unit_moved = Signal()

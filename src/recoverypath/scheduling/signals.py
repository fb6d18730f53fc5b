"""Signals the scheduling app sends, always after the transaction commits.

attendance_recorded(sender=Session, session=Session, client_ids=list[int])
    Attendance was taken or changed for these clients in this session. earlywarning's
    attendance rules (two unexcused absences in a row -> high alert) listen to it.
note_signed(sender=ClinicalNote, note=ClinicalNote)
"""

from __future__ import annotations

from django.dispatch import Signal

attendance_recorded = Signal()
note_signed = Signal()

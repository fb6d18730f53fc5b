"""RecoveryPath: continuity of care from IOP into aftercare and long-term recovery."""

"""Moderation, open to scrutiny: reports, hiding, appeals, the audit log and the tone reminder."""

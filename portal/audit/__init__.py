"""The append-only audit log: who saw or did what for a resident, and under which consent."""

from __future__ import annotations

from auditlog.models import LogEntry

from ist.audit.recording import DENIED

_LABELS = {
    LogEntry.Action.CREATE: "Skapad",
    LogEntry.Action.UPDATE: "Ändrad",
    LogEntry.Action.DELETE: "Borttagen",
    LogEntry.Action.ACCESS: "Läst",
}


def action_label(entry: LogEntry) -> str:
    """The Swedish word for what happened, with refused reads told apart."""
    if entry.action == LogEntry.Action.ACCESS and (entry.additional_data or {}).get("outcome") == DENIED:
        return "Nekad åtkomst"
    return _LABELS.get(entry.action, str(entry.action))

"""An in-process signal: a commit that wrote deliveries wakes this process's delivery worker at
once, instead of at its next poll (other processes still find them by polling)."""

from app.core.commit_signal import CommitSignal

_deliveries_written = CommitSignal("webhook_deliveries_written")
# Mark the session's transaction as one that wrote deliveries.
note_deliveries_written = _deliveries_written.note
# Call a listener (from any thread) after each commit that wrote deliveries.
add_listener = _deliveries_written.add_listener

"""A commit that added notifications wakes this process's push worker at once."""

from app.core.commit_signal import CommitSignal

notifications_added = CommitSignal("notifications_added")

"""Email to residents: their choices (settings), one-click unsubscribe, rendering, exactly-once
sending with a daily cap for urgent alerts, and the scheduled reminders (loans, unread messages)."""

"""The lettings app's commands: sync_calendars."""

"""The legacy app's commands: import_legacy."""

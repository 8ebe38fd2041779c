"""The home app's commands: load_demo_data."""

"""Template tags shared by every app: what search engines and link previews read."""

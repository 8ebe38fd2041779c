"""The partner API: Wagtail's read-only API v2 at ``/api/v2/``, over published, public lettings and their photos."""

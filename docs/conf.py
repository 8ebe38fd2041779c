"""Sphinx configuration of the Orange County Lettings documentation (built on Read the Docs)."""

import os
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS_DIR.parent))
sys.path.insert(0, str(DOCS_DIR / "_ext"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cms.settings.dev")

import django  # noqa: E402

django.setup()

project = "Orange County Lettings"
author = "Orange County Lettings"
copyright = "2026, Orange County Lettings"
release = "1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.graphviz",
    "sphinx.ext.viewcode",
    "model_diagram",
    "layer_diagram",
]
templates_path = []
exclude_patterns = ["_build"]
html_theme = "sphinx_rtd_theme"
html_static_path = []
graphviz_output_format = "svg"
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_member_order = "bysource"
# Django model fields and Wagtail page attributes carry no docstrings of ours.
autodoc_inherit_docstrings = False
suppress_warnings = ["autodoc.import_object"]
nitpicky = False

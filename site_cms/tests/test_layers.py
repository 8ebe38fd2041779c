"""The layers hold: no import points up or sideways, no test imports another, no two packages import each other."""

from pathlib import Path

from site_cms.layers import LAYERS, package_edges, problems, project_imports


def write(root: Path, relative: str, source: str) -> None:
    """Write one module of a made-up project under ``root``, with the packages it needs."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in path.relative_to(root).parents:
        if str(folder) != ".":
            (root / folder / "__init__.py").touch()
    path.write_text(source)


def test_no_import_of_the_project_points_up_a_layer_or_into_another_packages_tests():
    assert problems() == []


def test_no_two_packages_import_each_other():
    edges = package_edges()
    assert {(a, b) for a, b in edges if (b, a) in edges} == set()


def test_the_check_reads_the_real_code():
    edges = package_edges()
    # A few imports the project really has, so an empty scan cannot pass for a clean one.
    assert {("lettings", "core"), ("lettings", "pagecache"), ("site_cms", "search"), ("home", "lettings")} <= edges
    assert len(project_imports()) > 100
    assert LAYERS[0] == ("core",)


def test_the_check_names_each_kind_of_wrong_import(tmp_path):
    write(tmp_path, "core/paging.py", "from lettings.models import Address\n")
    write(tmp_path, "lettings/models.py", "def build():\n    from profiles import models\n")
    write(tmp_path, "profiles/models.py", "from core.paging import page\n")
    write(tmp_path, "pagecache/signals.py", "import site_cms.urls\n")
    write(tmp_path, "site_cms/urls.py", "from testing.factories import make_letting\n")
    write(tmp_path, "testing/factories.py", "from lettings.models import Address\n")
    write(tmp_path, "lettings/tests/test_admin.py", "from .test_models import helper\nfrom core.paging import page\n")
    write(tmp_path, "lettings/tests/test_models.py", "def helper():\n    return 1\n")
    write(tmp_path, "search/tests/test_search.py", "from lettings.tests.test_models import helper\n")
    write(tmp_path, "bench/run.py", "from testing.factories import make_letting\n")

    found = "\n".join(problems(tmp_path))

    assert "core/paging.py:1: imports lettings.models: core (layer 0) imports lettings (layer 2), a higher" in found
    assert "lettings/models.py:2: imports profiles.models: lettings and profiles are in the same layer" in found
    assert "pagecache/signals.py:1: imports site_cms.urls: pagecache (layer 1) imports site_cms (layer 5)" in found
    assert "site_cms/urls.py:1: imports testing.factories: code outside the tests imports testing/" in found
    assert "lettings/tests/test_admin.py:1: imports lettings.tests.test_models: a test imports another test" in found
    assert "search/tests/test_search.py:1: imports lettings.tests.test_models: imports another package's tests" in found
    # What is allowed: down a layer, testing/ and bench/ importing the apps, tests importing testing/.
    assert "profiles/models.py" not in found
    assert "testing/factories.py" not in found
    assert "bench/run.py" not in found
    assert "test_admin.py:2" not in found
    assert len(found.splitlines()) == 6

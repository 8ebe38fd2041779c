"""Which package of the project may import which: the layers, and the imports the code really has.

Each layer may import only the layers below it, so no two packages import each other and a change
low down never needs an edit higher up. ``site_cms/tests/test_layers.py`` parses every module and
fails on an import that points up, sideways or into another package's tests; the documentation draws
the same picture from the same source (``docs/_ext/layer_diagram.py``).

Tests sit beside the code: a package's ``tests`` may import any package of the project and the
support package ``testing`` (factories, servers), but never another test module, and nothing imports
them. ``bench/`` may import everything but tests.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Bottom first. A package imports only packages of lower layers.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),  # shared building blocks: pagination, migration helpers, main-page rules, sitemap sections
    ("pagecache",),  # the page and fragment cache; apps tell it which of their records clear it
    ("lettings", "profiles", "pages"),  # the content: models, their pages, their admins
    ("search", "legacy", "api", "enquiries"),  # features over the content: search, import, partner API, enquiries
    ("home",),  # the home page, the demo site, the editors' groups
    ("site_cms",),  # the project shell: settings, URLs, WSGI, project templates
)
SUPPORT = "testing"  # test and benchmark support; imports the layers, imported only by tests and bench
BENCH = "bench"
TESTS = "tests"


def layer_of(package: str) -> int | None:
    """Return the layer number (0 at the bottom) of a top-level package, or None for support code."""
    for number, packages in enumerate(LAYERS):
        if package in packages:
            return number
    return None


def project_packages() -> list[str]:
    """Return every top-level package the layers name, then the support packages."""
    return [package for layer in LAYERS for package in layer] + [SUPPORT, BENCH]


@dataclass(frozen=True)
class Import:
    """One import statement of the project's code that names another of its modules."""

    path: Path  # the importing file, relative to the project
    line: int
    importer: str  # dotted module name of the importing file
    imported: str  # dotted module name imported (relative imports resolved)

    @property
    def importer_package(self) -> str:
        """Return the top-level package of the importing module."""
        return self.importer.split(".")[0]

    @property
    def imported_package(self) -> str:
        """Return the top-level package of the imported module."""
        return self.imported.split(".")[0]

    @property
    def from_tests(self) -> bool:
        """Tell whether the importing module belongs to a ``tests`` package."""
        return TESTS in self.importer.split(".")

    @property
    def of_tests(self) -> bool:
        """Tell whether the imported module belongs to a ``tests`` package."""
        return TESTS in self.imported.split(".")


def _module_name(path: Path) -> str:
    """Return the dotted module name of a file relative to the project."""
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Return the absolute names an ``import from`` statement brings in (``from .x import y`` -> ``pkg.x.y``)."""
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    # ``from package import module`` imports a module; ``from module import name`` a name in it.
    return [f"{prefix}.{alias.name}" for alias in node.names]


def imports_in(path: Path, root: Path = PROJECT_DIR) -> list[Import]:
    """Return the imports of one file that name a module of the project (at any depth in the file)."""
    relative = path.relative_to(root)
    module = _module_name(relative)
    packages = set(project_packages())
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = _resolve(module, path.name == "__init__.py", node)
        else:
            continue
        for name in names:
            if name.split(".")[0] in packages:
                found.append(Import(relative, node.lineno, module, _existing_module(name, root)))
    return found


def _existing_module(name: str, root: Path) -> str:
    """Trim ``pkg.module.name`` to the longest prefix that is a module or package of the project."""
    parts = name.split(".")
    while len(parts) > 1:
        candidate = root.joinpath(*parts)
        if candidate.with_suffix(".py").exists() or (candidate / "__init__.py").exists():
            break
        parts.pop()
    return ".".join(parts)


def project_imports(root: Path = PROJECT_DIR) -> list[Import]:
    """Return every import between the project's modules (migrations included: they are code too)."""
    found = []
    for package in project_packages():
        for path in sorted((root / package).rglob("*.py")):
            found.extend(imports_in(path, root))
    return found


def is_test_module(module: str) -> bool:
    """Tell whether a dotted module name is a test module or a pytest ``conftest``."""
    leaf = module.split(".")[-1]
    return TESTS in module.split(".") and (leaf.startswith("test_") or leaf == "conftest")


def problem(found: Import) -> str | None:
    """Return why an import breaks the layers, or None when it is allowed."""
    source, target = found.importer_package, found.imported_package
    if found.of_tests and (source != target or not found.from_tests):
        return "imports another package's tests (shared test code belongs in testing/)"
    if found.from_tests:
        if is_test_module(found.imported) and found.imported != found.importer:
            return "a test imports another test module (shared test code belongs in testing/)"
        return None
    if source == target:
        return None
    if source == BENCH:
        return None
    if source == SUPPORT:
        return "testing/ imports bench/" if target == BENCH else None
    if target in (SUPPORT, BENCH):
        return f"code outside the tests imports {target}/"
    source_layer, target_layer = layer_of(source), layer_of(target)
    if target_layer == source_layer:
        return f"{source} and {target} are in the same layer: neither may import the other"
    if target_layer > source_layer:
        return f"{source} (layer {source_layer}) imports {target} (layer {target_layer}), a higher layer"
    return None


def problems(root: Path = PROJECT_DIR) -> list[str]:
    """Return one line per import that breaks the layers: file, line, what it imports and why it may not."""
    lines = []
    for found in project_imports(root):
        reason = problem(found)
        if reason:
            lines.append(f"{found.path}:{found.line}: imports {found.imported}: {reason}")
    return lines


def package_edges(root: Path = PROJECT_DIR) -> set[tuple[str, str]]:
    """Return the (importer, imported) pairs of top-level packages, outside the tests, for the diagram."""
    return {
        (found.importer_package, found.imported_package)
        for found in project_imports(root)
        if not found.from_tests and found.importer_package != found.imported_package
    }

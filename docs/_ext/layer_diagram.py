"""A Sphinx extension that draws the project's layers and the imports between its packages, read from the code.

``.. layer-diagram::`` becomes a Graphviz diagram: one row per layer of ``site_cms.layers.LAYERS`` (the
bottom layer at the bottom, test and benchmark support on top) and an arrow for every package that
imports another, found by parsing every module, so the picture cannot drift from the code.
"""

from itertools import pairwise

from docutils.parsers.rst import Directive
from sphinx.ext.graphviz import graphviz

from site_cms.layers import BENCH, LAYERS, SUPPORT, package_edges


def build_dot() -> str:
    """Return the Graphviz source of the layers and the package imports."""
    out = [
        "digraph layers {",
        '  graph [rankdir=BT, fontname="Helvetica", nodesep=0.4, ranksep=0.5];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f1f5f9", fontname="Helvetica", fontsize=11];',
        '  edge [color="#475569", arrowsize=0.7];',
    ]
    for number, packages in enumerate(LAYERS):
        names = " ".join(f'"{package}"' for package in packages)
        out.append(f'  subgraph layer_{number} {{ rank=same; "layer {number}" [shape=plaintext, style=""]; {names} }}')
    # Tests' and the benchmark's support on top: it imports the layers, and only tests and bench import it.
    out.append(
        f'  subgraph support {{ rank=same; "tests and bench" [shape=plaintext, style=""]; '
        f'"{SUPPORT}" [fillcolor="#fef3c7"]; "{BENCH}" [fillcolor="#fef3c7"]; }}'
    )
    rows = [f"layer {number}" for number in range(len(LAYERS))] + ["tests and bench"]
    for lower, upper in pairwise(rows):
        out.append(f'  "{lower}" -> "{upper}" [style=invis];')
    for importer, imported in sorted(package_edges()):
        out.append(f'  "{importer}" -> "{imported}";')
    out.append("}")
    return "\n".join(out)


class LayerDiagram(Directive):
    """The ``layer-diagram`` directive: a Graphviz node built from the layers and the imports."""

    has_content = False

    def run(self):
        """Return the diagram node."""
        node = graphviz()
        node["code"] = build_dot()
        node["options"] = {}
        node["alt"] = "Layers of the Orange County Lettings code: each package imports only packages below it"
        return [node]


def setup(app):
    """Register the directive."""
    app.add_directive("layer-diagram", LayerDiagram)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

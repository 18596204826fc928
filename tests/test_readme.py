"""The README shows what the project really does: its model picture and its test command."""

from __future__ import annotations

from chiplet_kg.diagram import mermaid
from chiplet_kg.kg import project_root


def test_readme_model_picture_matches_the_ontology(kg):
    """The Mermaid block in the README is the one generated from the ontology."""
    readme = (project_root() / "README.md").read_text(encoding="utf-8")
    assert "```mermaid\n" + mermaid(kg.graph) + "```" in readme


def test_ci_runs_the_readme_test_command():
    """.ci/run runs the README's test command."""
    root = project_root()
    ci = (root / ".ci" / "run").read_text()
    readme = (root / "README.md").read_text(encoding="utf-8")
    cmds = [line.strip() for line in ci.splitlines() if "pytest" in line and not line.strip().startswith("#")]
    assert cmds and all(c in readme for c in cmds)

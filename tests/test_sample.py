"""The made-up round that templates --check checks values against holds one of everything."""

from __future__ import annotations

from ria_docs.sample import sample_contexts
from ria_docs.template_check import lint_template
from ria_docs.template_files import TEMPLATE_NAMES, installed_templates


def empty_lists(value, path: str = "") -> list[str]:
    """Every list in a context that holds nothing: names used inside its loop would go unchecked."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in empty_lists(item, f"{path}.{key}".lstrip("."))]
    if isinstance(value, list):
        return [path] if not value else [p for item in value[:1] for p in empty_lists(item, path)]
    return []


def test_every_list_a_template_can_loop_over_holds_an_item():
    contexts = sample_contexts()
    assert set(contexts) == set(TEMPLATE_NAMES)
    assert {name: empty_lists(context) for name, context in contexts.items()} == {name: [] for name in contexts}


def test_the_shipped_templates_use_only_values_the_sample_provides():
    contexts = sample_contexts()
    for name in TEMPLATE_NAMES:
        assert lint_template(installed_templates() / name, contexts[name]) == [], name

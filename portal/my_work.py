"""The extension points other apps use to put things on the portal's pages without the
portal importing them: each app registers functions in its `wagtail_hooks.py`.

- ``portal_my_work_panels``: ``fn(user) -> MyWorkPanel | None``: a box on "My work"
  (e.g. "Awaiting my action", "My sessions").
- ``portal_nav_items``: ``fn(user) -> list[NavItem]``: links in the site menu.
"""

from dataclasses import dataclass, field

from wagtail import hooks


@dataclass
class MyWorkPanel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass
class NavItem:
    label: str
    url: str
    order: int = 100


def my_work_panels(user):
    panels = [panel for fn in hooks.get_hooks("portal_my_work_panels") if (panel := fn(user))]
    return sorted(panels, key=lambda p: p.order)


def nav_items(user):
    items = [item for fn in hooks.get_hooks("portal_nav_items") for item in fn(user)]
    return sorted(items, key=lambda i: i.order)

"""Templates of classic ML system design problems (resources/templates/*.mlsd).

`mlsd templates` lists them; `mlsd new --template NAME OUT.mlsd` writes one as a new design.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from app.domain.model import Design, now_iso
from app.persistence import load_design, save_design
from app.resources import resource_path


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    title: str
    summary: str
    problem: str
    path: Path
    tags: tuple[str, ...] = ()


def templates_dir() -> Path:
    return resource_path("templates")


def list_templates() -> list[TemplateInfo]:
    """Every shipped template, sorted by title."""
    found = []
    for path in sorted(templates_dir().glob("*.mlsd")):
        design = load_design(path).design
        extra = (design.model_extra or {}).get("template") or {}
        found.append(
            TemplateInfo(
                name=str(extra.get("name") or path.stem),
                title=design.meta.title,
                summary=str(extra.get("summary") or ""),
                problem=design.meta.problem,
                path=path,
                tags=tuple(extra.get("tags") or ()),
            )
        )
    return sorted(found, key=lambda t: t.title.lower())


def find_template(name: str) -> TemplateInfo:
    templates = list_templates()
    for template in templates:
        if name in (template.name, template.path.stem):
            return template
    known = ", ".join(t.name for t in templates) or "none"
    raise LookupError(f"no template named {name!r} (available: {known})")


def design_from_template(name: str) -> Design:
    """A fresh design copied from a template: new timestamps, no template marker."""
    design = load_design(find_template(name).path).design
    if design.model_extra:
        design.model_extra.pop("template", None)
    stamp = now_iso()
    design.meta.created = stamp
    design.meta.modified = stamp
    design.meta.author = ""
    return design


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser("templates", help="list the templates of classic practice problems")
    listing.set_defaults(func=_cmd_templates)
    new = subparsers.add_parser("new", help="write a new design, empty or from a template")
    new.add_argument("out", help="the design file to create (.mlsd)")
    new.add_argument("--template", help="template name (see `mlsd templates`)")
    new.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    new.set_defaults(func=_cmd_new)


def _cmd_templates(args: argparse.Namespace) -> int:
    templates = list_templates()
    width = max((len(t.name) for t in templates), default=10)
    for template in templates:
        print(f"{template.name:{width}}  {template.title}: {template.summary}")
    if not templates:
        print("No templates installed.")
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    from app.cli import CliError

    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(f"{out}: already exists (use --force to overwrite)")
    if args.template:
        try:
            design = design_from_template(args.template)
        except LookupError as exc:
            raise CliError(str(exc)) from None
    else:
        design = Design()
        design.meta.title = out.stem.replace("_", " ").replace("-", " ").strip() or "Untitled design"
    save_design(design, out)
    print(f"{out}: {design.meta.title} ({len(design.components)} components)")
    return 0

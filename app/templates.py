"""Templates of classic ML system design problems (resources/templates/*.mlsd).

The one template library: finding and reading the templates, and copying one into a fresh
design. `mlsd templates` / `mlsd new --template NAME OUT.mlsd` (registered below), the
window's File > New from template dialog and interview mode all use it. A template is a
design file with a `template` field (`name`, `summary`, `tags`); a PNG beside it with the
same stem is its ready-made thumbnail.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import quoted
from app.domain.model import Design, now_iso
from app.domain.safe_text import clean_text
from app.domain.text import balance_bidi, isolate
from app.errors import CliError, output_name
from app.persistence import DesignLoadError, load_design, write_design
from app.persistence.atomic import STDOUT, refuse_unwritable
from app.persistence.errors import display_path
from app.resources import resource_path


@dataclass(frozen=True)
class TemplateInfo:
    """One template file; `error` is the loader's message when the file cannot be read."""

    name: str
    title: str
    summary: str
    problem: str
    path: Path
    tags: tuple[str, ...] = ()
    components: int = 0
    thumbnail: Path | None = None  # a PNG shipped beside the template, if any
    error: str | None = None


def templates_dir() -> Path:
    return resource_path("templates")


def read_template(path: Path) -> TemplateInfo:
    """What the template at `path` offers; a broken file gives an entry carrying its error."""
    try:
        design = load_design(path).design
    except DesignLoadError as exc:
        return TemplateInfo(path.stem, path.stem, "", "", path, error=str(exc))
    extra = (design.model_extra or {}).get("template")
    if not isinstance(extra, dict):
        extra = {}
    tags = extra.get("tags")
    thumbnail = path.with_suffix(".png")
    return TemplateInfo(
        name=str(extra.get("name") or path.stem),
        title=design.meta.title,
        summary=str(extra.get("summary") or ""),
        problem=design.meta.problem,
        path=path,
        tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
        components=len(design.components),
        thumbnail=thumbnail if thumbnail.is_file() else None,
    )


def scan_templates(folder: Path | None = None) -> list[TemplateInfo]:
    """Every *.mlsd file in `folder` (default: the shipped templates), readable ones first,
    each group sorted by title. A broken file is listed with its error, not raised."""
    folder = templates_dir() if folder is None else folder
    paths = sorted(folder.glob("*.mlsd")) if folder.is_dir() else []
    entries = [read_template(path) for path in paths]
    return sorted(entries, key=lambda t: (t.error is not None, t.title.lower()))


def list_templates(folder: Path | None = None) -> list[TemplateInfo]:
    """The readable templates, sorted by title."""
    return [t for t in scan_templates(folder) if t.error is None]


def find_template(name: str, folder: Path | None = None) -> TemplateInfo:
    """The readable template called `name` (its `template.name` or its file's stem)."""
    templates = list_templates(folder)
    for template in templates:
        if name in (template.name, template.path.stem):
            return template
    known = ", ".join(t.name for t in templates) or "none"
    raise LookupError(f"no template named {quoted(name)} (available: {known})")


def design_from_template_file(path: str | Path) -> Design:
    """A fresh design copied from a template file: new timestamps, no author, no template
    marker. Raises DesignLoadError when the file cannot be read."""
    design = load_design(path).design
    if design.model_extra:
        design.model_extra.pop("template", None)
    stamp = now_iso()
    design.meta.created = stamp
    design.meta.modified = stamp
    design.meta.author = ""
    return design


def design_from_template(name: str) -> Design:
    """A fresh design copied from the shipped template called `name` (LookupError if none)."""
    return design_from_template_file(find_template(name).path)


# ---- `mlsd templates` and `mlsd new` -------------------------------------------------------


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    listing = subparsers.add_parser("templates", help="list the templates of classic practice problems")
    listing.set_defaults(func=_cmd_templates)
    new = subparsers.add_parser("new", help="write a new design, empty or from a template")
    new.add_argument(
        "out",
        metavar="OUT",
        type=output_name,
        help="the design file to create (.mlsd); '-' writes it to standard output",
    )
    new.add_argument("--template", type=_template_name, help="template name (see `mlsd templates`)")
    new.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    new.set_defaults(func=_cmd_new)


def _template_name(text: str) -> str:
    if not text.strip():  # `--template "$UNSET"` made an empty design
        raise argparse.ArgumentTypeError("the name is empty (see `mlsd templates`)")
    return text


def _cmd_templates(args: argparse.Namespace) -> int:
    entries = scan_templates()
    templates = [t for t in entries if t.error is None]
    width = max((len(t.name) for t in templates), default=10)
    for template in templates:
        print(f"{template.name:{width}}  {template.title}: {template.summary}")
    for broken in entries[len(templates) :]:
        print(f"mlsd: warning: template skipped: {broken.error}", file=sys.stderr)
    if not templates:
        print("No templates installed.")
    return 0


def _cmd_new(args: argparse.Namespace) -> int:
    to_stdout = args.out == STDOUT
    out = Path(args.out)
    refuse_unwritable(args.out)  # a folder is not a file --force could overwrite
    if not to_stdout and out.is_file() and not args.force:  # a pipe or device is written to
        raise CliError(f"{display_path(out)}: already exists (use --force to overwrite)")
    if args.template:
        try:
            design = design_from_template(args.template)
        except LookupError as exc:
            raise CliError(str(exc)) from None
    else:
        design = Design()
        # One line, without a control or an unclosed bidi control the file's name may hold.
        stem = clean_text(out.stem).replace("_", " ").replace("-", " ")
        title = "" if to_stdout else " ".join(balance_bidi(stem).split())
        design.meta.title = title or "Untitled design"
    write_design(design, args.out)
    shown = "the standard output" if to_stdout else display_path(out)
    summary = f"{isolate(design.meta.title)} ({len(design.components)} components)"
    print(f"mlsd: wrote {shown}: {summary}", file=sys.stderr)  # as `export` and `layout` say it
    return 0

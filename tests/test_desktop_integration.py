import configparser
import xml.etree.ElementTree as ET

from app.cli import main


def test_install_desktop_writes_launcher_mime_type_and_icons(tmp_path, capsys):
    assert main(["install-desktop", "--prefix", str(tmp_path)]) == 0
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(tmp_path / "applications" / "mlsd-studio.desktop")
    entry = desktop["Desktop Entry"]
    assert entry["MimeType"] == "application/x-mlsd-design;"
    assert entry["Exec"].endswith(" %f")
    assert entry["Icon"] == "mlsd-studio"
    mime = ET.parse(tmp_path / "mime" / "packages" / "mlsd-studio.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime_type = mime.find("m:mime-type", ns)
    assert mime_type.get("type") == "application/x-mlsd-design"
    assert mime_type.find("m:glob", ns).get("pattern") == "*.mlsd"
    assert (tmp_path / "icons" / "hicolor" / "256x256" / "apps" / "mlsd-studio.png").stat().st_size > 1000
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "mlsd-studio.svg").exists()


def _exec_arguments(value: str) -> list[str]:
    """An Exec value as the desktop reads it: the file's string escapes, then the quoting."""
    escapes = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t", "s": " "}
    unescaped, chars = "", iter(value)
    for ch in chars:
        unescaped += escapes[next(chars)] if ch == "\\" else ch
    args, current, quoted, chars = [], None, False, iter(unescaped)
    for ch in chars:
        if quoted and ch == "\\":
            current += next(chars)
        elif ch == '"':
            quoted, current = not quoted, current or ""
        elif ch == " " and not quoted:
            if current is not None:
                args.append(current)
            current = None
        else:
            current = (current or "") + ch
    return [*args, current] if current is not None else args


def test_a_launcher_in_a_folder_with_spaces_is_started_as_one_program(tmp_path, monkeypatch, capsys):
    # 'Exec=/opt/My Apps/bin/mlsd-studio %f' started '/opt/My' with 'Apps/bin/mlsd-studio' as
    # its file; a '%' read as a field code, a '$' or '\' as the shell's
    program = '/opt/My Apps/bin $1 100% "q" \\x\nnew/mlsd-studio'
    found = {"mlsd-studio": program}
    monkeypatch.setattr("app.desktop_integration.shutil.which", found.get)
    prefix = tmp_path / "a\nb"
    assert main(["install-desktop", "--prefix", str(prefix)]) == 0
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(prefix / "applications" / "mlsd-studio.desktop", encoding="utf-8")
    exec_value = desktop["Desktop Entry"]["Exec"]
    assert [arg.replace("%%", "%") for arg in _exec_arguments(exec_value)] == [program, "%f"]
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 11 and all("a\\nb" in line for line in out)  # one line per file written


def test_a_launcher_that_cannot_be_written_whole_is_left_as_it_was(tmp_path, monkeypatch, capsys):
    # The launcher and the MIME type were written in place: a full disk left half a file
    assert main(["install-desktop", "--prefix", str(tmp_path)]) == 0
    launcher = tmp_path / "applications" / "mlsd-studio.desktop"
    before = launcher.read_bytes()
    launcher.write_bytes(before + b"# the user's own line\n")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.persistence.atomic.os.fsync", full_disk)
    assert main(["install-desktop", "--prefix", str(tmp_path)]) == 2
    assert launcher.read_bytes() == before + b"# the user's own line\n"
    assert "the disk is full; nothing was changed" in capsys.readouterr().err
    assert sorted(p.name for p in launcher.parent.iterdir()) == ["mlsd-studio.desktop"]

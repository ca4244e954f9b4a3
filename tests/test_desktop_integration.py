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

"""Fetch the project's assets and check their checksums, with a clear error.

`spacy project assets` reports a failed download and goes on, so the first
command that needs the file fails later with little to go on. This script
stops at once and reports which file is missing, where it was expected from, and
how to place it by hand.
"""

import shutil
from pathlib import Path
from typing import Optional

import typer
from wasabi import msg
from weasel.util import download_file, get_checksum, load_project_config


def main(
    project_file: Path = typer.Argument(..., help="The project.yml that lists the assets", exists=True, dir_okay=False),
    source: Optional[str] = typer.Option(None, "--source", help="A URL prefix or local folder to fetch from, overriding the assets' URLs"),
) -> None:
    """Fetch each asset unless it is present with the right checksum."""
    project_dir = project_file.resolve().parent
    overrides = {"vars.conll_source": source} if source else {}
    config = load_project_config(project_dir, overrides=overrides)
    failed = []

    for asset in config.get("assets", []):
        dest = project_dir / asset["dest"]
        url = asset.get("url", "")
        checksum = asset.get("checksum")
        if dest.exists() and (checksum is None or get_checksum(dest) == checksum):
            msg.good(f"Asset present with matching checksum: {asset['dest']}")
            continue

        dest.parent.mkdir(parents=True, exist_ok=True)
        error = fetch(url, dest)
        if error is None and checksum and get_checksum(dest) != checksum:
            error = f"checksum {get_checksum(dest)} does not match {checksum}"
            dest.unlink()
        if error is None:
            msg.good(f"Fetched {asset['dest']} from {url}")
        else:
            failed.append((asset["dest"], url, error))

    for dest_name, url, error in failed:
        msg.fail(
            f"Could not fetch {dest_name} from {url}: {error}",
            f"Place the file by hand: copy your {Path(dest_name).name} to "
            f"{project_dir / dest_name}, or run the workflow with "
            f"--vars.conll_source /folder/with/the/files. The expected MD5 "
            f"checksum is in project.yml.",
        )
    if failed:
        raise typer.Exit(1)


def fetch(url: str, dest: Path) -> Optional[str]:
    """Copy a local file or download a URL to `dest`, returning an error or None."""
    local = Path(url)
    if local.is_file():
        shutil.copyfile(local, dest)
        return None
    if "://" not in url:
        return "no such local file"
    try:
        download_file(url, dest)
    except Exception as error:  # noqa: BLE001 - any failure is reported with the fix
        if dest.exists():
            dest.unlink()
        return f"{type(error).__name__}: {error}"
    return None


if __name__ == "__main__":
    typer.run(main)

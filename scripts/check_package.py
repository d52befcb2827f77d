"""Install a packaged pipeline into a fresh virtual environment and load it there.

The wheel built by `spacy package` names its requirements (spacy,
spacy-transformers, spacy-bert-ner). This check proves they are enough: a new
environment gets the wheel and the plugin, and a new
Python process runs `spacy.load(NAME)` on a sentence and prints its entities.
The plugin is installed first from --plugin, since it is not on PyPI yet.
"""

import json
import subprocess
import sys
import sysconfig
import tempfile
import venv
from pathlib import Path
from typing import List

import typer
from wasabi import msg

TORCH_REQUIREMENT = "torch==2.13.0"
SAMPLE_TEXT = "Angela Merkel met Emmanuel Macron in Paris on Tuesday to discuss the European Union budget."

LOAD_SCRIPT = """
import json, sys
import spacy
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({
    "pipeline": nlp.pipe_names,
    "ents": [[ent.text, ent.label_] for ent in doc.ents],
    "iob_tags": doc._.iob_tags,
}))
"""


def main(
    wheel: Path = typer.Argument(..., help="The pipeline wheel built by spacy package", exists=True, dir_okay=False),
    name: str = typer.Option(..., "--name", help="The pipeline's package name, e.g. en_bert_ner"),
    plugin: str = typer.Option(".", "--plugin", help="A folder or requirement to install the spacy-bert-ner plugin from"),
    env: str = typer.Option(
        "fresh",
        "--env",
        help="fresh: install every requirement into the new environment; system: let it see this environment's packages, to skip installing torch and spaCy again",
    ),
) -> None:
    """Install WHEEL into a new virtual environment and load it in a new process."""
    if env not in ("fresh", "system"):
        msg.fail(f"Invalid value for --env: {env!r}. Expected 'fresh' or 'system'.", exits=1)
    system_site_packages = env == "system"
    if Path(plugin).exists():
        plugin = str(Path(plugin).resolve())
    with tempfile.TemporaryDirectory(prefix="check-package-") as tmp:
        env_dir = Path(tmp) / "venv"
        msg.info(f"Creating a virtual environment in {env_dir}")
        venv.EnvBuilder(with_pip=True).create(env_dir)
        python = str(env_dir / "bin" / "python")
        if system_site_packages:
            share_site_packages(python)

        # torch goes first and pinned: an unpinned requirement pulls a CUDA build.
        # A plugin folder is built into a wheel here, with this environment's
        # build tools, so the new environment needs none.
        if Path(plugin).is_dir():
            wheel_dir = Path(tmp) / "plugin"
            run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheel_dir), plugin])
            plugin = str(next(wheel_dir.glob("*.whl")))
        if not system_site_packages:
            run([python, "-m", "pip", "install", "--quiet", TORCH_REQUIREMENT])
        run([python, "-m", "pip", "install", "--quiet", plugin])
        run([python, "-m", "pip", "install", "--quiet", str(wheel)])

        msg.info(f"Loading {name} in a new process")
        output = run([python, "-c", LOAD_SCRIPT, name, SAMPLE_TEXT], capture=True)
        result = json.loads(output.strip().splitlines()[-1])

    msg.good(f"Loaded {name}: pipeline {result['pipeline']}")
    msg.text(f"Entities in {SAMPLE_TEXT!r}: {result['ents']}")
    if "iob_tags" not in result["pipeline"] or len(result["iob_tags"]) == 0:
        msg.fail("The loaded pipeline wrote no IOB tags", exits=1)


def share_site_packages(python: str) -> None:
    """Let the environment of `python` import this environment's packages.

    venv's own system_site_packages option exposes the base interpreter's
    packages, not those of the environment running this script, so a .pth
    file adds this environment's folders after the new one's.
    """
    folders = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    target = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture=True)
    pth_file = Path(target.strip()) / "_parent_environment.pth"
    pth_file.write_text("\n".join(sorted(folders)) + "\n", encoding="utf8")


def run(command: List[str], capture: bool = False) -> str:
    """Run a command, exiting with its output if it fails."""
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        msg.fail(f"Command failed: {' '.join(command)}", completed.stdout + completed.stderr, exits=1)
    return completed.stdout if capture else ""


if __name__ == "__main__":
    typer.run(main)

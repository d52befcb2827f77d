"""Helpers shared by the benchmark scripts: machine description, memory, sizes, results.

The scripts in this folder import the library; the library never imports them.
Every result file is JSON with the date and a description of the machine that
measured it, so the report can show where and when each figure came from.
"""

import datetime
import os
import platform
import resource
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import srsly
from spacy.tokens import DocBin
from spacy.util import load_config
from spacy.vocab import Vocab

from spacy_bert_ner.conll import read_conll

BENCH_DIR = Path(__file__).resolve().parent
DOCBIN_SUFFIX = ".spacy"
# Packages whose versions are part of every machine description.
REPORTED_PACKAGES = ("torch", "spacy", "spacy-transformers", "thinc", "transformers", "accelerate")


def describe_machine() -> Dict[str, Any]:
    """Describe the CPU, memory, Python and package versions of this machine.

    RETURNS (Dict[str, Any]): "cpu" (model name), "cpus" (logical CPUs),
        "usable_cpus" (those this process may run on), "memory_bytes",
        "platform", "python" and "packages" ({name: version or None}).
    """
    packages: Dict[str, Optional[str]] = {}
    for name in REPORTED_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "memory_bytes": _memory_total(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": packages,
    }


def _cpu_model() -> str:
    # /proc/cpuinfo is Linux only, so fall back to what platform reports.
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                return value.strip()
    return platform.processor() or platform.machine()


def _memory_total() -> Optional[int]:
    meminfo = Path("/proc/meminfo")
    if not meminfo.is_file():
        return None
    for line in meminfo.read_text(encoding="utf8").splitlines():
        if line.startswith("MemTotal:"):
            # The value is in KiB: "MemTotal:       24542452 kB".
            return int(line.split()[1]) * 1024
    return None


def peak_rss_bytes(children: bool = False) -> int:
    """Return the peak resident set size of this process or of its waited-for children.

    On Linux `ru_maxrss` is in KiB, and for RUSAGE_CHILDREN it is the peak of
    the largest single descendant that has been waited for, not a sum.

    children (bool): Measure the children instead of this process.
    RETURNS (int): The peak resident set size in bytes.
    """
    target = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    max_rss = resource.getrusage(target).ru_maxrss
    # macOS reports bytes, Linux KiB.
    return max_rss if sys.platform == "darwin" else max_rss * 1024


def folder_size_bytes(path: Union[str, Path]) -> Optional[int]:
    """Add up the sizes of the files under a folder, or return a file's size.

    path (Union[str, Path]): A folder or a file.
    RETURNS (Optional[int]): The size in bytes, or None if the path does not exist.
    """
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    if not path.is_dir():
        return None
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def count_words(path: Union[str, Path]) -> int:
    """Count the tokens of a DocBin (`.spacy`) or a CoNLL file.

    path (Union[str, Path]): The data file. A CoNLL file's -DOCSTART- lines are
        not counted, since the reader never makes them tokens.
    RETURNS (int): The number of tokens.
    """
    path = Path(path)
    if path.suffix == DOCBIN_SUFFIX:
        return sum(len(doc) for doc in DocBin().from_disk(path).get_docs(Vocab()))
    return sum(len(sentence) for sentence in read_conll(path).sentences)


def read_training_length(config_path: Union[str, Path]) -> Dict[str, int]:
    """Read how long a spaCy config trains: `training.max_epochs` and `max_steps`.

    config_path (Union[str, Path]): The config file.
    RETURNS (Dict[str, int]): "max_epochs" and "max_steps", where 0 means no limit.
    """
    training = load_config(Path(config_path), interpolate=False)["training"]
    return {
        "max_epochs": int(training.get("max_epochs", 0)),
        "max_steps": int(training.get("max_steps", 0)),
    }


def write_result(path: Union[str, Path], data: Dict[str, Any]) -> Path:
    """Write a result as JSON, with the date, the command line and the machine.

    path (Union[str, Path]): The JSON file. Missing parent folders are created.
    data (Dict[str, Any]): The measured figures.
    RETURNS (Path): The file written.
    """
    path = Path(path)
    record = dict(data)
    record["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    record.setdefault("argv", [Path(sys.argv[0]).as_posix()] + sys.argv[1:])
    record["machine"] = describe_machine()
    path.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(path, record)
    return path


def parse_int_list(value: str) -> List[int]:
    """Parse a comma-separated list of integers such as "16,64,256"."""
    return [int(item) for item in value.split(",") if item.strip()]

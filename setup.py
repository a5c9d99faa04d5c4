"""Build hook: a wheel carries the shipped models and the corpus, so that an installed
scr-nlp tags and retrains out of the box (``scr_nlp/_shipped``; see ``scr_nlp.settings``).
An editable install reads them from the checkout instead."""

import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED_MODELS = ("linear", "keyword")  # plus the default model named in models/default.json
CORPUS_FILES = ("scr_corpus.jsonl", "real/pfd_labels.jsonl", "real/pfd_splits.json")


class BuildWithShippedData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "scr_nlp" / "_shipped"
        models = ROOT / "models"
        default = json.loads((models / "default.json").read_text())["default"]
        for name in {*SHIPPED_MODELS, default}:
            shutil.copytree(models / name, target / "models" / name, dirs_exist_ok=True)
        (target / "models" / "default.json").write_text(json.dumps({"default": default}) + "\n")
        for name in CORPUS_FILES:
            (target / "corpus" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / "corpus" / name, target / "corpus" / name)


setup(cmdclass={"build_py": BuildWithShippedData})

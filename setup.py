"""Packaging hook: ship docs/rules/*.md inside the package so `wabaguard explain` works from
any install (the pages stay in docs/rules/, where they are written and reviewed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithRuleDocs(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "docs" / "rules"
        target = Path(self.build_lib) / "wabaguard" / "rules_docs"
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            for page in source.glob("*.md"):
                shutil.copy2(page, target / page.name)


setup(cmdclass={"build_py": BuildWithRuleDocs})

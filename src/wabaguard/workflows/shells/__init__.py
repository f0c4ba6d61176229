"""Analyses of ``run:`` scripts, one module (or package) per shell family.

``facts`` is the model they share; ``bash`` (tree-sitter-bash) serves bash and sh steps,
``powershell``, ``cmd`` and ``python`` the other families. ``analysis`` imports each family on
its first step, so a workflow that only runs bash never loads the others.
"""

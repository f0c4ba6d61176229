"""Everything in wabaguard that talks to a network. Opt-in, always.

This ``__init__`` imports nothing, and nothing offline imports the network modules below
(only the thin commands in ``wabaguard.cli``, inside the function, when asked to), so a scan
and the commit hook can never reach the network by accident; the one exception is ``rules``
(data only), which the registry lists. ``tests/rotation/test_isolation.py`` enforces that.

* ``rules``: the rules these capabilities report (``stale-credential``);
* ``http``: the HTTP plumbing every client shares (timeouts, bounded retries that honour
  ``Retry-After``, same-origin redirects and pagination, one-line errors, credentials only in
  headers);
* ``github``: a small GitHub REST client (secret metadata, environments, repositories);
* ``rotation``: the rotation policy (which names, how old, when due) and the check;
* ``rotation_command``: ``wabaguard rotation`` (collecting from GitHub, the inventory);
* ``rotation_report``: the rotation check's text, Markdown and annotation reports;
* ``verify``: live verification of found credentials (``scan --verify``), one module per
  issuer with a read-only check.
"""

"""Everything in wabaguard that talks to a network. Opt-in, always.

Nothing outside this package (and the thin commands in ``wabaguard.cli`` that use it) may
import it, so a scan and the commit hook can never reach the network by accident;
``tests/test_online_isolation.py`` enforces that.

* ``http``: the HTTP plumbing every client shares (timeouts, bounded retries that honour
  ``Retry-After``, same-origin redirects and pagination, one-line errors, credentials only in
  headers);
* ``github``: a small GitHub REST client (secret metadata, environments, repositories);
* ``rotation``: the rotation policy (which names, how old, when due) and the check;
* ``rotation_report``: the rotation check's text and Markdown tables;
* ``verify``: live verification of found credentials (``scan --verify``), one module per
  issuer with a read-only check.
"""

"""The history scan: what the commits of a repository ever added, through the credential
engine, one finding per distinct secret (``wabaguard history``, the pre-push hook). The
walk over ``git log -p`` is a source (``sources/git_history``); this composes it with the
credential capability."""

"""Git history as a source: the lines every commit added, scanned with the credential
detectors exactly as files are, each secret reported once with where it came from and
whether it is still there (``wabaguard history``, the ``wabaguard-push`` hook)."""

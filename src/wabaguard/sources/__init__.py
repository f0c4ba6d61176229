"""Where scanned content comes from: files on disk and git history."""

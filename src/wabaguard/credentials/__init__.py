"""Hardcoded credentials: the engine, the detectors, and detect-secrets interop (its built-in
plugins, our plugin file, the baseline)."""

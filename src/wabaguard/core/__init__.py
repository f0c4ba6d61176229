"""The small core every capability builds on: findings and the one finding constructor,
redaction, configuration, suppression comments and the rule registry.

Nothing here imports a capability package; the registry finds their rules by name."""

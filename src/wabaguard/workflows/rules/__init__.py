"""The workflow rules: one module per rule, listed explicitly in a stable order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

from wabaguard.core.config import Config
from wabaguard.workflows.analysis import Analysis, Finding
from wabaguard.workflows.rules import (
    all_secrets_exposed,
    credential_in_cache,
    dynamic_secret_index,
    env_dump_with_secrets,
    hardcoded_credential,
    overexposed_secret,
    runner_debug_enabled,
    secret_env_in_argv,
    secret_in_argv,
    secret_in_artifact,
    secret_in_container_args,
    secret_in_docker_args,
    secret_in_step_summary,
    secret_in_url,
    secret_printed,
    secret_to_github_env,
    secrets_in_untrusted_trigger,
    secrets_inherit,
    trace_with_secrets,
    transformed_secret_printed,
    unmasked_minted_credential,
    unmasked_secret_field,
    verbose_client_with_secrets,
)

Check = Callable[[Analysis, Config], Iterator[Finding]]

MODULES: tuple[ModuleType, ...] = (
    secret_in_argv,
    secret_in_url,
    secret_env_in_argv,
    secret_in_docker_args,
    secret_in_container_args,
    secret_printed,
    env_dump_with_secrets,
    trace_with_secrets,
    verbose_client_with_secrets,
    runner_debug_enabled,
    secret_in_step_summary,
    unmasked_secret_field,
    transformed_secret_printed,
    unmasked_minted_credential,
    secret_in_artifact,
    credential_in_cache,
    secret_to_github_env,
    hardcoded_credential,
    all_secrets_exposed,
    dynamic_secret_index,
    secrets_inherit,
    secrets_in_untrusted_trigger,
    overexposed_secret,
)

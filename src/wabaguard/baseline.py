"""The name of the baseline filter every ``.secrets.baseline`` written by ``wabaguard
baseline`` holds (``filters_used``: ``wabaguard.baseline.accepted_workflow_findings``).

detect-secrets imports each filter by that dotted path when it loads a baseline, so the
path is permanent; the baseline code lives in ``wabaguard.credentials.baseline``.
"""

from wabaguard.credentials.baseline import accepted_workflow_findings

__all__ = ["accepted_workflow_findings"]

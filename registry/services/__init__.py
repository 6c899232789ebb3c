"""Registry writes, one module per responsibility; this package re-exports their public names.

- ``artifacts``: a version's manifest and the files written into its folder;
- ``versions``: registration (allocate ``v(max+1)``, write artifacts, commit the row);
- ``activation``: activation and rollback (verify first, switch under row locks, audit);
- ``promotion``: the activation policy and ``train_model`` (train, register, maybe activate);
- ``runs``: the training-run lifecycle (queue, worker, foreground, crash recovery);
- ``reconcile``: bring the database in line with storage (start-up, reload, CLI).

Invariants live in the database (unique version label and number, at most one active version,
one open training run per lane); these functions lean on them instead of re-checking in Python,
and retry where PostgreSQL reports a lost race. Reads live in ``registry.selectors`` and
``registry.loading`` and never write. Submodules import each other directly, never this
package, so importing one does not drag in the rest in a cycle.
"""

from __future__ import annotations

from registry.availability import ArtifactCheck as ArtifactCheck
from registry.availability import model_version_artifacts_check as model_version_artifacts_check
from registry.availability import (
    model_version_availability_record as model_version_availability_record,
)
from registry.availability import model_version_mark_unavailable as model_version_mark_unavailable
from registry.services.activation import active_pointer_mirror as active_pointer_mirror
from registry.services.activation import model_version_activate as model_version_activate
from registry.services.activation import model_version_rollback as model_version_rollback
from registry.services.artifacts import MANIFEST_FORMAT as MANIFEST_FORMAT
from registry.services.artifacts import artifacts_write as artifacts_write
from registry.services.artifacts import manifest_build as manifest_build
from registry.services.promotion import PolicyDecision as PolicyDecision
from registry.services.promotion import ProgressCallback as ProgressCallback
from registry.services.promotion import TrainingOutcome as TrainingOutcome
from registry.services.promotion import activation_policy_decide as activation_policy_decide
from registry.services.promotion import skill_summary as skill_summary
from registry.services.promotion import train_model as train_model
from registry.services.reconcile import registry_reconcile as registry_reconcile
from registry.services.reconcile import registry_reconcile_once as registry_reconcile_once
from registry.services.reconcile import registry_reconcile_reset as registry_reconcile_reset
from registry.services.reconcile import registry_reconciled as registry_reconciled
from registry.services.reconcile import registry_reload as registry_reload
from registry.services.runs import DEFAULT_LANE as DEFAULT_LANE
from registry.services.runs import TRAINING_ORIGINS as TRAINING_ORIGINS
from registry.services.runs import training_run_execute as training_run_execute
from registry.services.runs import training_run_foreground as training_run_foreground
from registry.services.runs import training_run_recover as training_run_recover
from registry.services.runs import training_run_request as training_run_request
from registry.services.versions import ALLOCATION_ATTEMPTS as ALLOCATION_ATTEMPTS
from registry.services.versions import model_version_register as model_version_register

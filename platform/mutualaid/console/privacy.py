"""Field levels of the console's tables (see core/privacy/registry.py): operators only."""

from core.privacy.registry import declare
from mutualaid.console.models import GroupExport, GroupUsage, TaskFailure

declare(GroupUsage, public=["group"],
        restricted=["requests_week", "requests_total", "volunteers_week", "volunteers_total",
                    "members", "storage_bytes", "last_activity_at", "schema_fingerprint",
                    "collected_at"])
declare(GroupExport, public=["id"],
        restricted=["group", "schema_name", "group_name", "key", "size", "tables", "rows",
                    "reason", "requested_by", "created_at"])
declare(TaskFailure, public=["id"], restricted=["schema_name", "task_name", "error", "at"])

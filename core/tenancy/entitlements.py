"""The group's entitlement snapshot: plan and limits, written by billing, read by products."""

FREE_PLAN = {
    "plan": "free",
    "limits": {"active_volunteers": 25, "coordinators": 2, "storage_mb": 200},
}

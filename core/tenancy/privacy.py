"""Field levels of the tenancy models (see core/privacy/registry.py)."""

from core.privacy.registry import declare
from core.tenancy.models import Domain, Group, LoginHandoff, PooledSchema, SchemaBlueprint

declare(Group,
        public=["id", "schema_name", "name", "status", "country", "timezone",
                "default_language", "enabled_languages", "map_center_lat", "map_center_lng",
                "created_at", "brand_accent", "welcome_texts", "contact_email",
                "contact_phone", "listed_in_directory", "directory_description",
                "directory_area", "closes_at", "public_impact_page"],
        staff=["entitlements", "require_staff_2fa", "keep_request_days", "keep_volunteer_days",
               "brand_logo_key", "brand_logo_type"])
declare(Domain, public=["id", "domain", "tenant", "is_primary"])
# Platform internals: operators only.
declare(LoginHandoff, public=["id"], restricted=["group", "user_id", "token_hash", "expires_at"])
declare(SchemaBlueprint, public=["id"], restricted=["fingerprint", "sql", "created_at"])
declare(PooledSchema, public=["id"], restricted=["name", "fingerprint", "created_at"])

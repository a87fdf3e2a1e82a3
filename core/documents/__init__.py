"""Private documents (ID scans, certificates, exports): the storage seam, shared by every
group. Files live under `groups/<schema>/` with random names and are reached only through
short-lived signed URLs (S3 presigned URLs, or signed local links in development)."""

"""Migrating the fleet: the template and every group schema, fast.

Django's migrate, run once per schema, costs about a second per group; 10,000 groups make a
deploy of hours. Groups are cloned from the template and share its migration history, so
the template is migrated once with Django's own machinery while the SQL its schema editor
runs is kept (`capture`), and that SQL is replayed in each group schema, one transaction
per schema, over a few connections (`replay`). Each group's migration state is recorded in
the public schema (`GroupMigrationState`), so finding the groups to migrate is one query.

Entry points: `manage.py migrate_fleet` (`services.migrate_fleet`), and for the operator
console `selectors.lagging_groups()`.
"""

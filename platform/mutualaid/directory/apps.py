from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "mutualaid.directory"
    label = "directory"
    verbose_name = "Group directory"

from django.db import models


class ProbeNote(models.Model):
    text = models.CharField(max_length=50)
    extra = models.CharField(max_length=50, default="")
